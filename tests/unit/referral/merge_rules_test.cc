// A client-profile merge (issue 18 part 5) in referral: which referral a merged person keeps,
// that a self-referral the merge made never converts, and Conversion dispatching the merge once.
#include "services/referral/domain/merge_rules.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/referral/referral_world.h"

namespace clienttier::referral {
namespace {

namespace pv1 = ::clienttier::profile::v1;

v1::Referral Referral(const std::string& referrer, const std::string& referee,
                      v1::ReferralStatus status) {
  v1::Referral referral;
  referral.set_referrer_client_id(referrer);
  referral.set_referee_client_id(referee);
  referral.set_status(status);
  return referral;
}

TEST(MergeRules, APersonKeepsTheConvertedReferralElseTheSurvivors) {
  const auto registered = Referral("r", "x", v1::REFERRAL_STATUS_REGISTERED);
  const auto converted = Referral("r", "x", v1::REFERRAL_STATUS_CONVERTED);
  EXPECT_EQ(RefereeReferralToKeep(std::nullopt, std::nullopt), KeptReferral::kNone);
  EXPECT_EQ(RefereeReferralToKeep(registered, std::nullopt), KeptReferral::kSurvivors);
  EXPECT_EQ(RefereeReferralToKeep(std::nullopt, registered), KeptReferral::kDuplicates);
  EXPECT_EQ(RefereeReferralToKeep(registered, registered), KeptReferral::kSurvivors);
  EXPECT_EQ(RefereeReferralToKeep(registered, converted), KeptReferral::kDuplicates);
  EXPECT_EQ(RefereeReferralToKeep(converted, converted), KeptReferral::kSurvivors);
  EXPECT_EQ(RefereeReferralToKeep(converted, registered), KeptReferral::kSurvivors);
}

TEST(MergeRules, OnlyAnUnconvertedSelfReferralIsDropped) {
  EXPECT_TRUE(DropsAfterMerge(Referral("s", "s", v1::REFERRAL_STATUS_REGISTERED)));
  EXPECT_FALSE(DropsAfterMerge(Referral("s", "s", v1::REFERRAL_STATUS_CONVERTED)));
  EXPECT_FALSE(DropsAfterMerge(Referral("r", "s", v1::REFERRAL_STATUS_REGISTERED)));
}

// Records the merges it is asked for.
class RecordingMergeRepository final : public ClientMergeRepository {
 public:
  MergeReport MergeClients(Transaction& /*transaction*/, const std::string& tenant_id,
                           const std::string& survivor_id, const std::string& duplicate_id,
                           UnixMicros /*now*/) override {
    calls.push_back(tenant_id + ":" + duplicate_id + "->" + survivor_id);
    return {};
  }
  std::vector<std::string> calls;
};

TEST(MergeRules, ConversionAppliesEachMergeEventOnce) {
  testing::ReferralWorld world;
  RecordingMergeRepository merges;
  Conversion conversion{world.transactions,
                        world.referral_repository,
                        world.reward_repository,
                        world.processed,
                        world.outbox,
                        world.settings,
                        world.clock,
                        &merges};
  pv1::ProfileEvent event;
  event.set_event_id("m-1");
  event.set_tenant_id("t1");
  event.mutable_clients_merged()->set_survivor_client_id("s");
  event.mutable_clients_merged()->set_duplicate_client_id("d");
  EXPECT_EQ(conversion.ApplyProfileEvents({event}), 1);
  EXPECT_FALSE(conversion.ApplyProfileEvent(event));  // redelivered
  EXPECT_EQ(merges.calls, std::vector<std::string>{"t1:d->s"});
}

}  // namespace
}  // namespace clienttier::referral
