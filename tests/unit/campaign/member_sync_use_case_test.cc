// MemberSync over the fakes: ct:events:profile and SyncMembers applied to campaign's copy of
// each client.
#include <gtest/gtest.h>

#include "tests/support/campaign/campaign_world.h"
#include "tests/unit/campaign/campaign_test_data.h"

namespace clienttier::campaign::testing {
namespace {

pv1::ProfileEvent Updated(const std::string& event_id, const pv1::Client& client) {
  pv1::ProfileEvent event;
  event.set_event_id(event_id);
  event.set_tenant_id(kTenant);
  *event.mutable_client_updated()->mutable_client() = client;
  return event;
}

pv1::ProfileEvent Erased(const std::string& event_id, const std::string& client_id) {
  pv1::ProfileEvent event;
  event.set_event_id(event_id);
  event.set_tenant_id(kTenant);
  event.mutable_client_erased()->set_client_id(client_id);
  return event;
}

std::optional<StoredMember> Stored(CampaignWorld& world, const std::string& client_id) {
  Transaction transaction;
  return world.member_repository.Find(transaction, kTenant, client_id);
}

TEST(ApplyProfileEvents, KeepsProfilesWithoutContactDetailsOncePerEvent) {
  CampaignWorld world(kStart);
  pv1::Client client = Profile("c-1", true);
  client.set_email("a@example.com");
  client.set_display_name("A");
  const pv1::ProfileEvent event = Updated("p-1", client);

  EXPECT_EQ(world.member_sync.ApplyProfileEvents({event}), 1);
  auto stored = Stored(world, "c-1");
  ASSERT_TRUE(stored && stored->profile);
  EXPECT_TRUE(stored->profile->email().empty());
  EXPECT_TRUE(stored->profile->display_name().empty());
  EXPECT_EQ(stored->profile->consents_size(), 1);

  const int64_t revision = world.member_repository.revisions[kTenant];
  EXPECT_FALSE(world.member_sync.ApplyProfileEvent(event));
  EXPECT_EQ(world.member_repository.revisions[kTenant], revision);
}

TEST(ApplyProfileEvents, TransactionsAndInteractionsAreNotEvenRecorded) {
  CampaignWorld world(kStart);
  pv1::ProfileEvent transaction;
  transaction.set_event_id("t-1");
  transaction.set_tenant_id(kTenant);
  transaction.mutable_transaction_recorded();
  EXPECT_EQ(world.member_sync.ApplyProfileEvents({transaction}), 0);
  EXPECT_TRUE(world.processed.ids.empty());
  EXPECT_EQ(world.transactions.transactions, 0);
}

TEST(ApplyProfileEvents, AnErasureIsFinalAndTheMemberLeavesEverySegment) {
  CampaignWorld world(kStart);
  const sv1::Score score = Score("c-1", sv1::TIER_T1, kStart);
  world.member_repository.Seed(kTenant, &score, nullptr);
  world.segments.Create(kTenant, Segment("top", "tier = \"T1\""));
  ASSERT_EQ(world.segments.Preview(kTenant, "top", "", 10).members(), 1);

  // The erasure and a late update of the same client in one read: profiles first, so the
  // tombstone wins; and a later update changes nothing either.
  EXPECT_EQ(world.member_sync.ApplyProfileEvents(
                {Erased("p-1", "c-1"), Updated("p-2", Profile("c-1", true, {}, 2))}),
            2);
  EXPECT_EQ(world.member_sync.ApplyProfileEvents({Updated("p-3", Profile("c-1", true, {}, 3))}), 1);
  auto stored = Stored(world, "c-1");
  ASSERT_TRUE(stored);
  EXPECT_TRUE(stored->erased);
  EXPECT_FALSE(stored->profile);
  EXPECT_FALSE(stored->score);
  const v1::SegmentPreview preview = world.segments.Preview(kTenant, "top", "", 10);
  EXPECT_EQ(preview.members(), 0);
  EXPECT_EQ(preview.population(), 0);
}

TEST(SyncMembers, PullsScoresAndClientsAndDropsErasedOnes) {
  CampaignWorld world(kStart);
  world.upstream.scores = {Score("c-1", sv1::TIER_T1, kStart), Score("c-2", sv1::TIER_T2, kStart)};
  pv1::Client kept = Profile("c-1", true);
  kept.set_phone("+8613800000000");
  pv1::Client gone = Profile("c-2", true);
  gone.set_erased(true);
  world.upstream.clients = {kept, gone};

  const v1::SyncMembersResponse response = world.member_sync.Sync(kTenant);

  EXPECT_EQ(response.scores(), 2);
  EXPECT_EQ(response.clients(), 2);
  EXPECT_EQ(response.members(), 2);  // the tombstone is a member of the snapshot, erased
  EXPECT_TRUE(Stored(world, "c-1")->profile->phone().empty());
  EXPECT_TRUE(Stored(world, "c-2")->erased);
  EXPECT_FALSE(Stored(world, "c-2")->score);
}

TEST(SyncMembers, NeedsTheUpstreamAddresses) {
  CampaignWorld world(kStart);
  MemberSync without(world.transactions, world.member_repository, world.processed, world.members,
                     world.triggers, nullptr, world.clock);
  EXPECT_THROW(without.Sync(kTenant), DomainError);
}

}  // namespace
}  // namespace clienttier::campaign::testing
