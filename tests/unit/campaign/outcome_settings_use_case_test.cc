// OutcomeUseCases, SettingsUseCases and AdviceUseCases over the fakes.
#include <grpcpp/support/status.h>
#include <gtest/gtest.h>

#include "tests/support/campaign/campaign_world.h"
#include "tests/unit/campaign/campaign_test_data.h"

namespace clienttier::campaign::testing {
namespace {

// A tenant with a launched campaign "spring" over every member: c-0..c-19, email granted, half
// held out.
class LaunchedCampaignTest : public ::testing::Test {
 protected:
  LaunchedCampaignTest() : world_(kStart) {
    for (int i = 0; i < 20; ++i) {
      const std::string id = "c-" + std::to_string(i);
      const sv1::Score score = Score(id, sv1::TIER_T2, kStart - kDay);
      const pv1::Client profile = Profile(id, true);
      world_.member_repository.Seed(kTenant, &score, &profile);
    }
    world_.segments.Create(kTenant, Segment("all", "score >= 0"));
    world_.campaigns.Create(kTenant, Campaign("spring", "all", 5000, kStart));
    world_.campaigns.Launch(kTenant, "spring");
  }

  OutcomeRow Outcome(const std::string& client_id, const std::string& key, int64_t revenue) {
    OutcomeRow outcome;
    outcome.campaign_id = "spring";
    outcome.client_id = client_id;
    outcome.idempotency_key = key;
    outcome.converted = true;
    outcome.revenue_minor = revenue;
    outcome.currency = revenue > 0 ? "CNY" : "";
    outcome.occurred_at = kStart + kDay;
    return outcome;
  }

  CampaignWorld world_;
};

TEST_F(LaunchedCampaignTest, AnOutcomeTakesTheMembersGroupOncePerKey) {
  const auto group = world_.campaign_repository.audience.at({kTenant, "spring", "c-3"});
  const v1::RecordOutcomeResponse first =
      world_.outcomes.Record(kTenant, Outcome("c-3", "k-1", 1000));
  EXPECT_EQ(first.group(), group);
  EXPECT_FALSE(first.duplicate());
  EXPECT_TRUE(world_.outcomes.Record(kTenant, Outcome("c-3", "k-1", 1000)).duplicate());
  EXPECT_EQ(world_.outcome_repository.rows.size(), 1U);
}

TEST_F(LaunchedCampaignTest, OutcomesOutsideTheAudienceOrInAnotherCurrencyAreRefused) {
  EXPECT_THROW(world_.outcomes.Record(kTenant, Outcome("stranger", "k-1", 0)), DomainError);
  OutcomeRow dollars = Outcome("c-3", "k-2", 1000);
  dollars.currency = "USD";
  EXPECT_THROW(world_.outcomes.Record(kTenant, dollars), DomainError);
  world_.campaigns.Create(kTenant, Campaign("draft", "all", 0, kStart));
  OutcomeRow in_draft = Outcome("c-3", "k-3", 0);
  in_draft.campaign_id = "draft";
  EXPECT_THROW(world_.outcomes.Record(kTenant, in_draft), DomainError);
  EXPECT_TRUE(world_.outcome_repository.rows.empty());
}

TEST_F(LaunchedCampaignTest, AnOutcomeBeforeTheClientEnteredDoesNotCount) {
  // Launched at kStart: the members entered then.
  OutcomeRow before = Outcome("c-4", "k-early", 800);
  before.occurred_at = kStart - 1;
  try {
    world_.outcomes.Record(kTenant, before);
    ADD_FAILURE() << "an outcome before entry was recorded";
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kFailedPrecondition);
    EXPECT_NE(std::string(error.what()).find("occurred_at"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("does not count"), std::string::npos);
  }
  EXPECT_TRUE(world_.outcome_repository.rows.empty());
  OutcomeRow at_entry = Outcome("c-4", "k-at", 800);
  at_entry.occurred_at = kStart;
  EXPECT_FALSE(world_.outcomes.Record(kTenant, at_entry).duplicate());
  EXPECT_EQ(world_.outcome_repository.rows.size(), 1U);
}

TEST_F(LaunchedCampaignTest, ABatchRecordsWhatItCanAndSaysWhyTheRestWasRefused) {
  OutcomeRow unknown_campaign = Outcome("c-5", "k-5", 0);
  unknown_campaign.campaign_id = "autumn";
  const v1::RecordOutcomesResponse response = world_.outcomes.RecordMany(
      kTenant, {Outcome("c-3", "k-3", 1000), Outcome("stranger", "k-s", 0), unknown_campaign,
                Outcome("c-4", "k-4", 0), Outcome("c-3", "k-3", 1000)});
  ASSERT_EQ(response.results_size(), 5);
  EXPECT_EQ(response.results(0).status_code(), 0);
  EXPECT_EQ(response.results(0).recorded().group(),
            world_.campaign_repository.audience.at({kTenant, "spring", "c-3"}));
  EXPECT_FALSE(response.results(0).recorded().duplicate());
  EXPECT_EQ(response.results(1).status_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(response.results(1).status_message().find("not in campaign spring's audience"),
            std::string::npos)
      << response.results(1).status_message();
  EXPECT_FALSE(response.results(1).has_recorded());
  EXPECT_EQ(response.results(2).status_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(response.results(3).status_code(), 0);
  // The same key again within the batch: a duplicate, recorded once.
  EXPECT_TRUE(response.results(4).recorded().duplicate());
  EXPECT_EQ(world_.outcome_repository.rows.size(), 2U);
  // Retried whole: every recorded outcome is a duplicate, nothing is added.
  const v1::RecordOutcomesResponse retried =
      world_.outcomes.RecordMany(kTenant, {Outcome("c-3", "k-3", 1000), Outcome("c-4", "k-4", 0)});
  EXPECT_TRUE(retried.results(0).recorded().duplicate());
  EXPECT_TRUE(retried.results(1).recorded().duplicate());
  EXPECT_EQ(world_.outcome_repository.rows.size(), 2U);
}

TEST_F(LaunchedCampaignTest, ABatchWithRevenueInAnotherCurrencyRecordsNothing) {
  OutcomeRow dollars = Outcome("c-4", "k-4", 1000);
  dollars.currency = "USD";
  try {
    world_.outcomes.RecordMany(kTenant, {Outcome("c-3", "k-3", 1000), dollars});
    ADD_FAILURE() << "a batch with dollars was recorded";
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kInvalid);
    EXPECT_NE(std::string(error.what()).find("outcomes[1].revenue.currency"), std::string::npos)
        << error.what();
  }
  EXPECT_TRUE(world_.outcome_repository.rows.empty());
}

TEST_F(LaunchedCampaignTest, TheReportCountsEachGroupsMembersConversionsAndRevenue) {
  int64_t treatment_revenue = 0;
  for (const auto& [key, group] : world_.campaign_repository.audience) {
    const std::string& client_id = std::get<2>(key);
    if (group == v1::AUDIENCE_GROUP_TREATMENT) {
      world_.outcomes.Record(kTenant, Outcome(client_id, "k-" + client_id, 500));
      treatment_revenue += 500;
    }
  }
  const v1::CampaignReport report = world_.outcomes.Report(kTenant, "spring");
  const v1::Campaign campaign = world_.campaigns.Get(kTenant, "spring");
  EXPECT_EQ(report.treatment().members(), campaign.audience().treatment());
  EXPECT_EQ(report.holdout().members(), campaign.audience().holdout());
  EXPECT_EQ(report.treatment().conversions(), campaign.audience().treatment());
  EXPECT_EQ(report.holdout().conversions(), 0);
  EXPECT_EQ(report.treatment().revenue().units(), treatment_revenue);
  EXPECT_EQ(report.treatment().revenue().currency(), "CNY");
  EXPECT_FALSE(report.enough_data());  // fewer than 30 members a group
}

TEST_F(LaunchedCampaignTest, SettingsAreVersionedAndTheCurrencyStaysOnceSaved) {
  TenantSettings settings = world_.settings.Get(kTenant);
  EXPECT_EQ(settings.version, 0);
  EXPECT_EQ(settings.currency, "CNY");
  settings.caps = {{3, 14}};
  EXPECT_EQ(world_.settings.Put(kTenant, settings, 0).version, 1);
  EXPECT_THROW(world_.settings.Put(kTenant, settings, 0), DomainError);  // stale version
  settings.currency = "USD";
  EXPECT_THROW(world_.settings.Put(kTenant, settings, 1), DomainError);
  settings.currency = "CNY";
  // "spring" has no welcome trigger.
  settings.welcome_campaign_id = "spring";
  EXPECT_THROW(world_.settings.Put(kTenant, settings, 1), DomainError);
  EXPECT_EQ(world_.settings.Get(kTenant).caps.front().max_contacts, 3);
}

TEST_F(LaunchedCampaignTest, TheNextBestActionAsksForPurchasesOnlyForTheGrowthPlay) {
  // c-1 dormant, c-2 growth with an interest, both contacted at the launch long ago.
  world_.clock.Advance(30 * kDay);
  sv1::Score dormant = Score("c-1", sv1::TIER_T2, kStart);
  dormant.set_lifecycle(sv1::LIFECYCLE_STAGE_DORMANT);
  sv1::Score growing = Score("c-2", sv1::TIER_T2, kStart);
  growing.set_lifecycle(sv1::LIFECYCLE_STAGE_GROWTH);
  pv1::Client interested = Profile("c-2", true, common::v1::CONTACT_CHANNEL_EMAIL, 2);
  pv1::Tag& tag = *interested.add_tags();
  tag.set_kind(pv1::TAG_KIND_INTEREST);
  tag.set_value("pottery");
  world_.member_repository.Seed(kTenant, &dormant, nullptr);
  world_.member_repository.Seed(kTenant, &growing, &interested);

  EXPECT_EQ(world_.advice.NextBestActionFor(kTenant, "c-1").action(), "value_content");
  EXPECT_EQ(world_.upstream.bought_calls, 0);

  // client-profile does not answer: cross-sell on what is known, and say so.
  const v1::NextBestAction unknown = world_.advice.NextBestActionFor(kTenant, "c-2");
  EXPECT_EQ(world_.upstream.bought_calls, 1);
  EXPECT_EQ(unknown.action(), "cross_sell");
  EXPECT_EQ(unknown.evidence(unknown.evidence_size() - 1).key(), "bought_categories");

  world_.upstream.bought["c-2"] = {"pottery"};
  EXPECT_EQ(world_.advice.NextBestActionFor(kTenant, "c-2").action(), "member_event");
  EXPECT_THROW(world_.advice.NextBestActionFor(kTenant, "nobody"), DomainError);
}

}  // namespace
}  // namespace clienttier::campaign::testing
