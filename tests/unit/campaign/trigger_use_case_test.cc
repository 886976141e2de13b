// The welcome and retention triggers, applied from ct:events:scoring through MemberSync over
// the fakes: who enters, once, and what a redelivered event does.
#include <gtest/gtest.h>

#include "tests/support/campaign/campaign_world.h"
#include "tests/unit/campaign/campaign_test_data.h"

namespace clienttier::campaign::testing {
namespace {

sv1::ScoringEvent TierChanged(const std::string& event_id, const std::string& client_id,
                              sv1::Tier from, sv1::Tier to, UnixMicros as_of) {
  sv1::ScoringEvent event;
  event.set_event_id(event_id);
  event.set_tenant_id(kTenant);
  sv1::TierChanged& changed = *event.mutable_tier_changed();
  changed.mutable_change()->set_client_id(client_id);
  changed.mutable_change()->set_from_tier(from);
  changed.mutable_change()->set_to_tier(to);
  *changed.mutable_score() = Score(client_id, to, as_of);
  return event;
}

sv1::ScoringEvent ChurnWarning(const std::string& event_id, const std::string& client_id,
                               UnixMicros as_of) {
  sv1::ScoringEvent event;
  event.set_event_id(event_id);
  event.set_tenant_id(kTenant);
  sv1::ChurnWarning& warning = *event.mutable_churn_warning();
  warning.set_client_id(client_id);
  warning.set_tier(sv1::TIER_T1);
  *warning.mutable_score() = Score(client_id, sv1::TIER_T1, as_of);
  warning.mutable_score()->set_churn_warning(true);
  return event;
}

// A tenant with a launched welcome campaign (members who reached T1) and a launched retention
// campaign (members with a churn warning), both on email without holdout, and client c-1 (T2,
// email consent granted) known to campaign before either launched.
class TriggerTest : public ::testing::Test {
 protected:
  TriggerTest() : world_(kStart) {
    const sv1::Score score = Score("c-1", sv1::TIER_T2, kStart - kDay);
    const pv1::Client profile = Profile("c-1", true);
    world_.member_repository.Seed(kTenant, &score, &profile);
    world_.segments.Create(kTenant, Segment("top", "tier = \"T1\""));
    world_.segments.Create(kTenant, Segment("warned", "churn_warning"));
    world_.campaigns.Create(kTenant,
                            Campaign("welcome", "top", 0, kStart, common::v1::CONTACT_CHANNEL_EMAIL,
                                     v1::CAMPAIGN_TRIGGER_WELCOME_T1));
    world_.campaigns.Create(
        kTenant, Campaign("retain", "warned", 0, kStart, common::v1::CONTACT_CHANNEL_EMAIL,
                          v1::CAMPAIGN_TRIGGER_CHURN_WARNING));
    world_.campaigns.Launch(kTenant, "welcome");
    world_.campaigns.Launch(kTenant, "retain");
    TenantSettings settings = world_.settings.Get(kTenant);
    settings.welcome_campaign_id = "welcome";
    settings.retention_campaign_id = "retain";
    // Caps out of the way: these tests are about entering once.
    settings.caps = {{100, 1}};
    world_.settings.Put(kTenant, settings, settings.version);
    world_.clock.Advance(kDay);
  }

  size_t ContactsOf(const std::string& campaign_id) {
    return world_.campaign_repository.ContactsOf(campaign_id).size();
  }
  bool Placed(const std::string& campaign_id, const std::string& client_id) {
    return world_.campaign_repository.audience.count({kTenant, campaign_id, client_id}) == 1;
  }

  CampaignWorld world_;
};

TEST_F(TriggerTest, NobodyIsInTheTriggerCampaignsBeforeAnEvent) {
  EXPECT_FALSE(Placed("welcome", "c-1"));
  EXPECT_FALSE(Placed("retain", "c-1"));
  EXPECT_EQ(ContactsOf("welcome") + ContactsOf("retain"), 0U);
}

TEST_F(TriggerTest, AMoveIntoT1EntersTheWelcomeCampaignOnce) {
  const auto event = TierChanged("e-1", "c-1", sv1::TIER_T2, sv1::TIER_T1, kStart);
  EXPECT_EQ(world_.member_sync.ApplyScoringEvents({event}), 1);

  EXPECT_TRUE(Placed("welcome", "c-1"));
  EXPECT_EQ(ContactsOf("welcome"), 1U);
  EXPECT_FALSE(Placed("retain", "c-1"));
  const v1::Campaign welcome = world_.campaigns.Get(kTenant, "welcome");
  EXPECT_EQ(welcome.audience().treatment(), 1);
  EXPECT_EQ(welcome.audience().candidates(), 1);
  // The score was saved with the entry: the member copy is T1 now.
  Transaction transaction;
  EXPECT_EQ(world_.member_repository.Find(transaction, kTenant, "c-1")->score->tier(),
            sv1::TIER_T1);
}

TEST_F(TriggerTest, ARedeliveredEventDoesNothing) {
  const auto event = TierChanged("e-1", "c-1", sv1::TIER_T2, sv1::TIER_T1, kStart);
  ASSERT_EQ(world_.member_sync.ApplyScoringEvents({event}), 1);
  const auto audience = world_.campaign_repository.audience;
  const size_t contacts = world_.campaign_repository.contacts.size();
  const int64_t revision = world_.member_repository.revisions[kTenant];
  const int locks = world_.settings_repository.locks;

  world_.clock.Advance(kDay);
  EXPECT_EQ(world_.member_sync.ApplyScoringEvents({event}), 0);
  EXPECT_FALSE(world_.member_sync.ApplyScoringEvent(event));

  EXPECT_EQ(world_.campaign_repository.audience, audience);
  EXPECT_EQ(world_.campaign_repository.contacts.size(), contacts);
  EXPECT_EQ(world_.member_repository.revisions[kTenant], revision);
  EXPECT_EQ(world_.settings_repository.locks, locks);
  EXPECT_EQ(world_.campaigns.Get(kTenant, "welcome").audience().treatment(), 1);
}

TEST_F(TriggerTest, ALaterMoveIntoT1OfAPlacedMemberDoesNotEnterAgain) {
  ASSERT_EQ(world_.member_sync.ApplyScoringEvents(
                {TierChanged("e-1", "c-1", sv1::TIER_T2, sv1::TIER_T1, kStart)}),
            1);
  world_.clock.Advance(kDay);
  // Down and up again: two new events, the second a fresh move into T1.
  EXPECT_EQ(world_.member_sync.ApplyScoringEvents(
                {TierChanged("e-2", "c-1", sv1::TIER_T1, sv1::TIER_T2, kStart + kDay),
                 TierChanged("e-3", "c-1", sv1::TIER_T2, sv1::TIER_T1, kStart + 2 * kDay)}),
            2);
  EXPECT_EQ(ContactsOf("welcome"), 1U);
  EXPECT_EQ(world_.campaigns.Get(kTenant, "welcome").audience().treatment(), 1);
}

TEST_F(TriggerTest, AChangeWithinT1IsNoWelcome) {
  EXPECT_EQ(world_.member_sync.ApplyScoringEvents(
                {TierChanged("e-1", "c-1", sv1::TIER_T1, sv1::TIER_T1, kStart)}),
            1);
  EXPECT_FALSE(Placed("welcome", "c-1"));
}

TEST_F(TriggerTest, AChurnWarningEntersTheRetentionCampaignOnce) {
  const auto warning = ChurnWarning("w-1", "c-1", kStart);
  EXPECT_EQ(world_.member_sync.ApplyScoringEvents({warning}), 1);
  EXPECT_TRUE(Placed("retain", "c-1"));
  EXPECT_EQ(ContactsOf("retain"), 1U);
  EXPECT_FALSE(Placed("welcome", "c-1"));

  // Redelivered, and then warned again by a new event: still one entry.
  EXPECT_EQ(world_.member_sync.ApplyScoringEvents({warning}), 0);
  world_.clock.Advance(kDay);
  EXPECT_EQ(world_.member_sync.ApplyScoringEvents({ChurnWarning("w-2", "c-1", kStart + kDay)}), 1);
  EXPECT_EQ(ContactsOf("retain"), 1U);
  EXPECT_EQ(world_.campaigns.Get(kTenant, "retain").audience().treatment(), 1);
}

TEST_F(TriggerTest, NoEntryWithoutConsentOrOnceTheCampaignIsPaused) {
  // c-2 withdrew email consent: it is considered, and excluded.
  const sv1::Score score = Score("c-2", sv1::TIER_T2, kStart - kDay);
  const pv1::Client profile = Profile("c-2", false);
  world_.member_repository.Seed(kTenant, &score, &profile);
  world_.member_sync.ApplyScoringEvents(
      {TierChanged("e-2", "c-2", sv1::TIER_T2, sv1::TIER_T1, kStart)});
  EXPECT_FALSE(Placed("welcome", "c-2"));
  EXPECT_EQ(world_.campaigns.Get(kTenant, "welcome").audience().excluded_no_consent(), 1);

  world_.campaigns.Pause(kTenant, "welcome");
  world_.member_sync.ApplyScoringEvents(
      {TierChanged("e-1", "c-1", sv1::TIER_T2, sv1::TIER_T1, kStart)});
  EXPECT_FALSE(Placed("welcome", "c-1"));
}

TEST_F(TriggerTest, EventsWithoutAScoreAreProcessedButChangeNothing) {
  sv1::ScoringEvent empty;
  empty.set_event_id("x-1");
  empty.set_tenant_id(kTenant);
  const int64_t revision = world_.member_repository.revisions[kTenant];
  EXPECT_EQ(world_.member_sync.ApplyScoringEvents({empty}), 1);
  EXPECT_EQ(world_.member_repository.revisions[kTenant], revision);
  EXPECT_EQ(world_.processed.ids.count("x-1"), 1U);
}

}  // namespace
}  // namespace clienttier::campaign::testing
