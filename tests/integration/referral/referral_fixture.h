#pragma once

#include <memory>
#include <string>

#include "clienttier/referral/v1/referral_service.grpc.pb.h"
#include "services/referral/referral_app.h"
#include "tests/support/profile_stack_fixture.h"
#include "tests/support/test_env.h"

namespace clienttier::referral {

namespace pv1 = ::clienttier::profile::v1;

// A real client-profile (ProfileStackFixture) and a real referral (the same wiring as its
// main.cc) on loopback ports, each in a fresh schema. Referral consumes ct:events:profile in a
// consumer group of its own.
class ReferralFixture : public testing::ProfileStackFixture {
 protected:
  void SetUp() override;
  void TearDown() override;

  // A purchase recorded in client-profile (which reaches referral through the stream), made
  // `seconds_ago` before the fixture's clock, creating the client there first when needed.
  void RecordPurchase(const std::string& key, const std::string& client_id, int64_t units,
                      const std::string& api_key, int64_t seconds_ago = 60);
  std::string IssueCode(const std::string& client_id, const std::string& api_key);
  grpc::Status Register(const std::string& code, const std::string& referee,
                        const std::string& api_key, v1::Referral* referral = nullptr);
  // Polls GetReferral (bounded, 15 s) until the referee's referral is converted.
  v1::Referral WaitForConversion(const std::string& referee, const std::string& api_key);
  v1::ListRewardsResponse Rewards(const std::string& client_id, const std::string& api_key);
  v1::ReferralStats Stats(const std::string& client_id, const std::string& api_key);
  // A referral counter without labels, e.g. "ct_referral_events_duplicate_total".
  uint64_t Counter(const std::string& name) const;

  ReferralAppConfig referral_config_;
  std::unique_ptr<ReferralApp> referral_;
  std::unique_ptr<v1::ReferralService::Stub> stub_;
  int referral_port_ = 0;
};

}  // namespace clienttier::referral
