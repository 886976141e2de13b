// A client-profile merge (issue 18 part 5) in campaign: the event's meaning and MemberSync
// moving the duplicate's memberships once, leaving the duplicate erased.
#include <gtest/gtest.h>

#include "services/campaign/domain/member_events.h"
#include "tests/support/campaign/campaign_world.h"
#include "tests/unit/campaign/campaign_test_data.h"

namespace clienttier::campaign::testing {
namespace {

pv1::ProfileEvent Merged(const std::string& event_id, const std::string& survivor,
                         const std::string& duplicate) {
  pv1::ProfileEvent event;
  event.set_event_id(event_id);
  event.set_tenant_id(kTenant);
  event.mutable_clients_merged()->set_survivor_client_id(survivor);
  event.mutable_clients_merged()->set_duplicate_client_id(duplicate);
  *event.mutable_clients_merged()->mutable_survivor() = Profile(survivor, true);
  return event;
}

TEST(MemberMergeEvents, AMergeNamesTheDuplicateAndTheSurvivor) {
  const ProfileEventChange change = ProfileEventChangeOf(Merged("m-1", "s", "d"));
  EXPECT_EQ(change.kind, ProfileEventChange::Kind::kMerge);
  EXPECT_EQ(change.client_id, "d");
  EXPECT_EQ(change.survivor_id, "s");
}

TEST(MemberMergeEvents, TheDuplicateIsMergedOnceAndLeftErased) {
  CampaignWorld world(kStart);
  const pv1::Client duplicate = Profile("d", true);
  world.member_repository.Seed(kTenant, nullptr, &duplicate);

  EXPECT_EQ(world.member_sync.ApplyProfileEvents({Merged("m-1", "s", "d")}), 1);
  ASSERT_EQ(world.member_repository.merges.size(), 1U);
  EXPECT_EQ(world.member_repository.merges[0][1], "d");
  EXPECT_EQ(world.member_repository.merges[0][2], "s");
  Transaction transaction;
  auto stored = world.member_repository.Find(transaction, kTenant, "d");
  ASSERT_TRUE(stored.has_value());
  EXPECT_TRUE(stored->erased);
  EXPECT_FALSE(stored->profile.has_value());

  EXPECT_FALSE(world.member_sync.ApplyProfileEvent(Merged("m-1", "s", "d")));  // redelivered
  EXPECT_EQ(world.member_repository.merges.size(), 1U);
}

}  // namespace
}  // namespace clienttier::campaign::testing
