#pragma once

#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "clienttier/profile/v1/profile_service.grpc.pb.h"
#include "clienttier/referral/v1/referral_service.grpc.pb.h"
#include "services/client-profile/profile_app.h"
#include "services/referral/referral_app.h"
#include "tests/support/test_env.h"

namespace clienttier::referral {

namespace pv1 = ::clienttier::profile::v1;

// A real client-profile and a real referral (the same wiring as their main.cc) on loopback
// ports, over the MariaDB and Redis of scripts/test.sh, each in a fresh schema, with two fresh
// tenants. Referral consumes ct:events:profile in a consumer group of its own.
class ReferralFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  std::unique_ptr<grpc::ClientContext> Context(const std::string& api_key) const;

  // A purchase recorded in client-profile (which reaches referral through the stream),
  // creating the client there first when needed.
  void RecordPurchase(const std::string& key, const std::string& client_id, int64_t units,
                      const std::string& api_key);
  std::string IssueCode(const std::string& client_id, const std::string& api_key);
  grpc::Status Register(const std::string& code, const std::string& referee,
                        const std::string& api_key, v1::Referral* referral = nullptr);
  // Polls GetReferral (bounded, 15 s) until the referee's referral is converted.
  v1::Referral WaitForConversion(const std::string& referee, const std::string& api_key);
  v1::ListRewardsResponse Rewards(const std::string& client_id, const std::string& api_key);
  v1::ReferralStats Stats(const std::string& client_id, const std::string& api_key);
  // A referral counter without labels, e.g. "ct_referral_events_duplicate_total".
  uint64_t Counter(const std::string& name) const;

  std::string tenant_a_;
  std::string tenant_b_;
  std::string writer_a_;
  std::string writer_b_;
  std::string admin_a_;
  std::string reader_a_;
  std::string service_key_;  // tenant "*": acts for the tenant in x-tenant-id, as scoring does
  std::string keys_file_;
  profile::ProfileConfig profile_config_;
  ReferralAppConfig referral_config_;
  std::unique_ptr<profile::ProfileApp> profile_;
  std::unique_ptr<ReferralApp> referral_;
  std::unique_ptr<pv1::ClientProfileService::Stub> profile_stub_;
  std::unique_ptr<v1::ReferralService::Stub> stub_;
  int profile_port_ = 0;
  int referral_port_ = 0;
  int64_t now_seconds_ = 0;
};

}  // namespace clienttier::referral
