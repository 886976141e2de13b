#pragma once

#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "clienttier/profile/v1/profile_service.grpc.pb.h"
#include "clienttier/scoring/v1/scoring_service.grpc.pb.h"
#include "services/client-profile/profile_app.h"
#include "services/scoring/scoring_app.h"
#include "tests/support/test_env.h"

namespace clienttier::scoring {

namespace pv1 = ::clienttier::profile::v1;

// A real client-profile and a real scoring (the same wiring as their main.cc) on loopback
// ports, over the MariaDB and Redis of scripts/test.sh, each in a fresh schema, with two fresh
// tenants. Scoring consumes ct:events:profile in a consumer group of its own.
class ScoringFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  std::unique_ptr<grpc::ClientContext> Context(const std::string& api_key) const;

  void CreateClient(const std::string& client_id, const std::string& api_key);
  // A purchase `days_ago` days before now, of `units` CNY minor units.
  void RecordPurchase(const std::string& key, const std::string& client_id, int64_t units,
                      int days_ago, const std::string& api_key);
  // Polls GetScore (bounded, 15 s) until `ready` holds; returns the last score seen.
  v1::Score WaitForScore(const std::string& client_id, const std::string& api_key,
                         const std::function<bool(const v1::Score&)>& ready);
  // A scoring counter without labels, e.g. "ct_scoring_events_duplicate_total".
  uint64_t Counter(const std::string& name) const;

  std::string tenant_a_;
  std::string tenant_b_;
  std::string writer_a_;
  std::string writer_b_;
  std::string admin_a_;
  std::string reader_a_;
  std::string keys_file_;
  profile::ProfileConfig profile_config_;
  ScoringAppConfig scoring_config_;
  std::unique_ptr<profile::ProfileApp> profile_;
  std::unique_ptr<ScoringApp> scoring_;
  std::unique_ptr<pv1::ClientProfileService::Stub> profile_stub_;
  std::unique_ptr<v1::ScoringService::Stub> stub_;
  int64_t now_seconds_ = 0;
};

}  // namespace clienttier::scoring
