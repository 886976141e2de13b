#pragma once

#include <functional>
#include <memory>
#include <string>

#include "clienttier/scoring/v1/scoring_service.grpc.pb.h"
#include "common/redis/redis_client.h"
#include "services/scoring/scoring_app.h"
#include "tests/support/profile_stack_fixture.h"
#include "tests/support/test_env.h"

namespace clienttier::scoring {

namespace pv1 = ::clienttier::profile::v1;

// A real client-profile (ProfileStackFixture) and a real scoring (the same wiring as its
// main.cc) on loopback ports, each in a fresh schema. Scoring consumes ct:events:profile in a
// consumer group of its own.
class ScoringFixture : public testing::ProfileStackFixture {
 protected:
  void SetUp() override;
  void TearDown() override;

  void CreateClient(const std::string& client_id, const std::string& api_key) {
    EnsureClient(client_id, api_key);
  }
  // Polls GetScore (bounded, 15 s) until `ready` holds; returns the last score seen.
  v1::Score WaitForScore(const std::string& client_id, const std::string& api_key,
                         const std::function<bool(const v1::Score&)>& ready);
  // Changes the fixture's scoring config before scoring starts (a test's own settings).
  virtual void AdjustScoringConfig(ScoringAppConfig& /*config*/) {}
  // A scoring counter without labels, e.g. "ct_scoring_events_duplicate_total".
  uint64_t Counter(const std::string& name) const;
  // A purchase of tenant A's client a day ago, as client-profile publishes it.
  pv1::ProfileEvent PurchaseEvent(const std::string& client_id, int64_t units) const;
  // Adds the event to ct:events:profile as client-profile's relay does, with no write behind it
  // (an event client-profile would refuse, or a backlog built faster than RecordTransactions).
  void PublishProfileEvent(const pv1::ProfileEvent& event);

  ScoringAppConfig scoring_config_;
  std::unique_ptr<ScoringApp> scoring_;
  RedisClient stream_redis_{testing::RedisFromEnv(), nullptr};
  std::unique_ptr<v1::ScoringService::Stub> stub_;
  int scoring_port_ = 0;
};

}  // namespace clienttier::scoring
