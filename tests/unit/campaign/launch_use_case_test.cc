// CampaignUseCases::Launch over the fakes: who a launch places, in which group, and what it
// records as contacted.
#include <gtest/gtest.h>

#include <set>

#include "services/campaign/domain/holdout.h"
#include "tests/support/campaign/campaign_world.h"
#include "tests/unit/campaign/campaign_test_data.h"

namespace clienttier::campaign::testing {
namespace {

// Every member matches: score is 0..100.
constexpr char kEveryone[] = "score >= 0";

void AddMember(CampaignWorld& world, const std::string& client_id, std::optional<bool> consent,
               common::v1::ContactChannel channel = common::v1::CONTACT_CHANNEL_EMAIL) {
  const sv1::Score score = Score(client_id, sv1::TIER_T2, kStart - kDay);
  const pv1::Client profile = Profile(client_id, consent, channel);
  world.member_repository.Seed(kTenant, &score, &profile);
}

std::set<std::string> Contacted(const CampaignWorld& world, const std::string& campaign_id) {
  std::set<std::string> clients;
  for (const auto& contact : world.campaign_repository.ContactsOf(campaign_id)) {
    clients.insert(contact.client_id);
  }
  return clients;
}

std::optional<v1::AudienceGroup> GroupOf(const CampaignWorld& world, const std::string& campaign_id,
                                         const std::string& client_id) {
  auto found = world.campaign_repository.audience.find({kTenant, campaign_id, client_id});
  if (found == world.campaign_repository.audience.end()) {
    return std::nullopt;
  }
  return found->second;
}

TEST(LaunchCampaign, ContactsOnlyMembersWhoGrantedTheChannel) {
  CampaignWorld world(kStart);
  AddMember(world, "granted", true);
  AddMember(world, "withdrawn", false);
  AddMember(world, "never-asked", std::nullopt);
  AddMember(world, "sms-only", true, common::v1::CONTACT_CHANNEL_SMS);
  world.segments.Create(kTenant, Segment("all", kEveryone));
  world.campaigns.Create(kTenant, Campaign("spring", "all", 0, kStart));

  const v1::Campaign launched = world.campaigns.Launch(kTenant, "spring");

  EXPECT_EQ(launched.state(), v1::CAMPAIGN_STATE_LAUNCHED);
  EXPECT_EQ(launched.launched_rule(), kEveryone);
  EXPECT_EQ(launched.audience().candidates(), 4);
  EXPECT_EQ(launched.audience().treatment(), 1);
  EXPECT_EQ(launched.audience().excluded_no_consent(), 3);
  EXPECT_EQ(Contacted(world, "spring"), std::set<std::string>{"granted"});
  EXPECT_EQ(GroupOf(world, "spring", "granted"), v1::AUDIENCE_GROUP_TREATMENT);
  // Members without consent are not placed at all, so a relaunch may still reach them.
  EXPECT_FALSE(GroupOf(world, "spring", "withdrawn"));
  EXPECT_FALSE(GroupOf(world, "spring", "never-asked"));
  EXPECT_FALSE(GroupOf(world, "spring", "sms-only"));
}

TEST(LaunchCampaign, ErasedMembersAreNeverCandidates) {
  CampaignWorld world(kStart);
  AddMember(world, "kept", true);
  AddMember(world, "gone", true);
  Transaction transaction;
  world.member_repository.MarkErased(transaction, kTenant, "gone",
                                     world.member_repository.NextRevision(transaction, kTenant), 0);
  world.segments.Create(kTenant, Segment("all", kEveryone));
  world.campaigns.Create(kTenant, Campaign("spring", "all", 0, kStart));

  const v1::Campaign launched = world.campaigns.Launch(kTenant, "spring");

  EXPECT_EQ(launched.audience().candidates(), 1);
  EXPECT_EQ(Contacted(world, "spring"), std::set<std::string>{"kept"});
}

TEST(LaunchCampaign, FrequencyCapCountsContactsOfEveryCampaignAndChannel) {
  CampaignWorld world(kStart);
  // One contact in 7 days, whatever the campaign or channel.
  TenantSettings settings;
  settings.caps = {{1, 7}};
  settings.currency = "CNY";
  settings.version = 1;
  world.settings_repository.rows[kTenant] = settings;
  for (const std::string id : {"a", "b"}) {
    const sv1::Score score = Score(id, sv1::TIER_T2, kStart - kDay);
    pv1::Client profile = Profile(id, true, common::v1::CONTACT_CHANNEL_EMAIL);
    pv1::Consent& sms = *profile.add_consents();
    sms.set_channel(common::v1::CONTACT_CHANNEL_SMS);
    sms.set_granted(true);
    world.member_repository.Seed(kTenant, &score, &profile);
  }
  world.segments.Create(kTenant, Segment("all", kEveryone));
  world.segments.Create(kTenant, Segment("only-a", "client_id = \"a\""));
  world.campaigns.Create(kTenant, Campaign("email-a", "only-a", 0, kStart));
  world.campaigns.Create(kTenant,
                         Campaign("sms-all", "all", 0, kStart, common::v1::CONTACT_CHANNEL_SMS));
  world.campaigns.Create(kTenant, Campaign("email-all-later", "all", 0, kStart + 9 * kDay));

  world.campaigns.Launch(kTenant, "email-a");
  world.clock.Advance(kDay);
  const v1::Campaign sms = world.campaigns.Launch(kTenant, "sms-all");

  // a was contacted by email yesterday: the SMS campaign may not contact it again this week.
  EXPECT_EQ(sms.audience().excluded_frequency_cap(), 1);
  EXPECT_EQ(sms.audience().treatment(), 1);
  EXPECT_EQ(Contacted(world, "sms-all"), std::set<std::string>{"b"});

  // A campaign starting once both contacts have left the window reaches both (its contacts are
  // dated at its start, 9 days after a's and 8 after b's).
  const v1::Campaign later = world.campaigns.Launch(kTenant, "email-all-later");
  EXPECT_EQ(later.audience().excluded_frequency_cap(), 0);
  EXPECT_EQ(Contacted(world, "email-all-later"), (std::set<std::string>{"a", "b"}));
}

TEST(LaunchCampaign, HoldoutIsTheDeterministicHashAndGetsNoContact) {
  constexpr int kHoldoutBp = 3000;
  auto launch = [&] {
    auto world = std::make_unique<CampaignWorld>(kStart);
    for (int i = 0; i < 300; ++i) {
      AddMember(*world, "c-" + std::to_string(i), true);
    }
    world->segments.Create(kTenant, Segment("all", kEveryone));
    world->campaigns.Create(kTenant, Campaign("spring", "all", kHoldoutBp, kStart));
    world->campaigns.Launch(kTenant, "spring");
    return world;
  };
  const auto first = launch();
  const auto rebuilt = launch();

  int64_t holdout = 0;
  const std::set<std::string> contacted = Contacted(*first, "spring");
  for (int i = 0; i < 300; ++i) {
    const std::string id = "c-" + std::to_string(i);
    const bool held_out = InHoldout("spring", id, kHoldoutBp);
    holdout += held_out ? 1 : 0;
    EXPECT_EQ(GroupOf(*first, "spring", id),
              held_out ? v1::AUDIENCE_GROUP_HOLDOUT : v1::AUDIENCE_GROUP_TREATMENT)
        << id;
    EXPECT_EQ(contacted.count(id), held_out ? 0U : 1U) << id;
    // The same campaign and client give the same group in another build of the world.
    EXPECT_EQ(GroupOf(*first, "spring", id), GroupOf(*rebuilt, "spring", id)) << id;
  }
  // Roughly 30%, and both groups exist.
  EXPECT_GT(holdout, 60);
  EXPECT_LT(holdout, 120);
  const v1::Campaign campaign = first->campaigns.Get(kTenant, "spring");
  EXPECT_EQ(campaign.audience().holdout(), holdout);
  EXPECT_EQ(campaign.audience().treatment(), 300 - holdout);
}

TEST(LaunchCampaign, ALaunchAgainAddsOnlyNewMembersAndNoSecondContact) {
  CampaignWorld world(kStart);
  for (int i = 0; i < 40; ++i) {
    AddMember(world, "c-" + std::to_string(i), true);
  }
  world.segments.Create(kTenant, Segment("all", kEveryone));
  world.campaigns.Create(kTenant, Campaign("spring", "all", 2000, kStart));
  world.campaigns.Launch(kTenant, "spring");
  const auto audience_before = world.campaign_repository.audience;
  const size_t contacts_before = world.campaign_repository.contacts.size();

  // A retry of a launched campaign changes nothing.
  const v1::Campaign retried = world.campaigns.Launch(kTenant, "spring");
  EXPECT_EQ(world.campaign_repository.audience, audience_before);
  EXPECT_EQ(world.campaign_repository.contacts.size(), contacts_before);
  EXPECT_EQ(retried.audience().candidates(), 40);

  // Paused and launched again two weeks later (caps long passed): only the new member is placed.
  world.campaigns.Pause(kTenant, "spring");
  world.clock.Advance(14 * kDay);
  AddMember(world, "newcomer", true);
  const v1::Campaign relaunched = world.campaigns.Launch(kTenant, "spring");

  EXPECT_EQ(world.campaign_repository.audience.size(), audience_before.size() + 1);
  for (const auto& [key, group] : audience_before) {
    EXPECT_EQ(world.campaign_repository.audience.at(key), group);
  }
  EXPECT_TRUE(GroupOf(world, "spring", "newcomer"));
  const size_t newcomer_contacts =
      GroupOf(world, "spring", "newcomer") == std::optional(v1::AUDIENCE_GROUP_TREATMENT) ? 1 : 0;
  EXPECT_EQ(world.campaign_repository.contacts.size(), contacts_before + newcomer_contacts);
  // Totals count every member once.
  EXPECT_EQ(relaunched.audience().candidates(), 41);
  EXPECT_EQ(relaunched.audience().treatment() + relaunched.audience().holdout(), 41);
}

TEST(LaunchCampaign, SimulateIsWhatALaunchDoesAndWritesNothing) {
  CampaignWorld world(kStart);
  for (int i = 0; i < 30; ++i) {
    AddMember(world, "c-" + std::to_string(i), i % 3 != 0);
  }
  world.segments.Create(kTenant, Segment("all", kEveryone));
  world.campaigns.Create(kTenant, Campaign("spring", "all", 2000, kStart));

  const v1::AudienceSummary simulated = world.campaigns.Simulate(kTenant, "spring");
  EXPECT_TRUE(world.campaign_repository.audience.empty());
  EXPECT_TRUE(world.campaign_repository.contacts.empty());

  const v1::Campaign launched = world.campaigns.Launch(kTenant, "spring");
  EXPECT_EQ(simulated.treatment(), launched.audience().treatment());
  EXPECT_EQ(simulated.holdout(), launched.audience().holdout());
  EXPECT_EQ(simulated.excluded_no_consent(), launched.audience().excluded_no_consent());
  EXPECT_EQ(simulated.excluded_no_consent(), 10);
}

TEST(LaunchCampaign, RefusedAfterTheScheduleEndsAndWithoutTheSegment) {
  CampaignWorld world(kStart);
  world.segments.Create(kTenant, Segment("all", kEveryone));
  world.campaigns.Create(kTenant, Campaign("old", "all", 0, kStart - 60 * kDay));
  EXPECT_THROW(world.campaigns.Launch(kTenant, "old"), DomainError);
  EXPECT_THROW(world.campaigns.Launch(kTenant, "missing"), DomainError);
  EXPECT_EQ(world.campaigns.Get(kTenant, "old").state(), v1::CAMPAIGN_STATE_DRAFT);
}

}  // namespace
}  // namespace clienttier::campaign::testing
