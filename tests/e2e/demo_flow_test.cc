// The run command's story end to end, on a small demo tenant: the four real services on
// loopback (client-profile, scoring calling referral, campaign reading scoring and
// client-profile), driven only through their public APIs by the same DemoFlow the run command
// uses, with assertions on every step.
#include <gtest/gtest.h>

#include <iostream>
#include <numeric>

#include "services/referral/referral_app.h"
#include "tests/integration/campaign/campaign_fixture.h"
#include "tools/demo_tenant/demo_flow.h"

namespace clienttier::campaign {
namespace {

class DemoFlowTest : public CampaignFixture {
 protected:
  void SetUp() override {
    CampaignFixture::SetUp();
    referral::ReferralAppConfig config;
    config.server = server_config(16);
    config.mysql = testing::MySqlFromEnv(testing::UniqueDatabaseName("referral"));
    config.redis = testing::RedisFromEnv();
    config.relay.poll_interval_ms = 10;
    config.consumer.group = "referral-e2e-" + suffix_;
    config.consumer.start_id = "$";
    config.consumer.consumer_name = "test-consumer";
    referral::ReferralApp::Migrate(config.mysql);
    referral_ = std::make_unique<referral::ReferralApp>(config);
    referral_port_ = referral_->Start();
  }
  void TearDown() override {
    if (referral_) {
      referral_->Stop();
      referral_.reset();
    }
    CampaignFixture::TearDown();
  }

  std::unique_ptr<referral::ReferralApp> referral_;
  int referral_port_ = 0;
};

TEST_F(DemoFlowTest, TheDemoStoryHoldsOnASmallTenant) {
  demo::DemoTargets targets;
  targets.profile = "127.0.0.1:" + std::to_string(profile_port_);
  targets.scoring = campaign_config_.upstream.scoring_target;
  targets.campaign = "127.0.0.1:" + std::to_string(campaign_port_);
  targets.referral = "127.0.0.1:" + std::to_string(referral_port_);
  targets.writer_key = writer_a_;
  targets.admin_key = admin_a_;
  demo::DemoTenantOptions options;
  options.clients = 400;
  options.seed = 7;
  options.id_prefix = "e2e";
  demo::DemoFlow flow(targets, options);

  std::vector<std::string> steps;
  std::string holdout;  // the fit step's holdout validation lines (issue 17 part 3)
  const auto results = flow.Run([&](const demo::StepResult& step) {
    steps.push_back(step.name);
    for (const std::string& line : step.lines) {
      if (step.name == "fit_clv_and_rescore" && line.find("holdout") != std::string::npos) {
        holdout += line + "\n";
      }
    }
    std::string lines;
    for (const std::string& line : step.lines) {
      lines += "\n    " + line;
    }
    EXPECT_TRUE(step.ok) << step.name << lines;
  });
  EXPECT_EQ(steps, (std::vector<std::string>{
                       "load_demo_tenant", "scores_from_events", "fit_clv_and_rescore",
                       "tier_distribution", "explained_scores", "referrals", "segment_and_campaign",
                       "record_outcomes", "campaign_report", "next_best_actions"}));

  std::cout << holdout;
  EXPECT_NE(holdout.find("holdout validation (fit as of 180 days ago"), std::string::npos);
  const demo::TourFacts& facts = flow.facts();
  EXPECT_EQ(facts.clients_created, 400);
  // Issue 17: a second currency (converted, never left out) and one refund, in the story.
  EXPECT_GT(facts.foreign_currency_transactions, 0);
  EXPECT_GT(facts.refunded_fen, 0);
  // Issue 17 part 7: every client has an acquisition day, so every one is in a cohort; the
  // cohorts add up to them, and each channel's LTV/CAC is its value over its cost.
  EXPECT_EQ(facts.cohorts.clients(), 400);
  EXPECT_EQ(facts.cohorts.clients_without_acquisition_day(), 0);
  int64_t in_cohorts = 0;
  for (const auto& row : facts.cohorts.cohorts()) {
    in_cohorts += row.clients();
    ASSERT_GT(row.cells_size(), 0);
    EXPECT_GE(row.cells(0).retention_percent(), 0.0);
    EXPECT_LE(row.cells(0).retention_percent(), 100.0);
  }
  EXPECT_EQ(in_cohorts, 400);
  ASSERT_GT(facts.cohorts.channels_size(), 1);
  for (const auto& channel : facts.cohorts.channels()) {
    if (channel.acquisition_cost().units() > 0) {
      EXPECT_NEAR(channel.ltv_to_cac(),
                  static_cast<double>(channel.revenue_to_date().units() + channel.clv().units()) /
                      static_cast<double>(channel.acquisition_cost().units()),
                  1e-9);
    }
  }
  // Every client is in exactly one tier, and the tiers' revenue adds up to 100%.
  int64_t tiered = 0;
  for (const auto& bucket : facts.distribution.tiers()) {
    tiered += bucket.clients();
  }
  EXPECT_EQ(tiered, 400);
  EXPECT_GT(facts.referrals_registered, 0);
  EXPECT_GT(facts.referrals_converted, 0);
  EXPECT_LE(facts.referrals_converted, facts.referrals_registered);
  // The three explained clients: a T1, a T2 and a dormant one, each with contributions.
  ASSERT_EQ(facts.explanations.size(), 3u);
  EXPECT_EQ(facts.explanations[0].score().tier(), sv1::TIER_T1);
  EXPECT_EQ(facts.explanations[1].score().tier(), sv1::TIER_T2);
  EXPECT_EQ(facts.explanations[2].score().lifecycle(), sv1::LIFECYCLE_STAGE_DORMANT);
  for (const auto& explanation : facts.explanations) {
    EXPECT_GT(explanation.contributions_size(), 0);
  }
  // The launch placed the preview's members: treatment + holdout + no consent.
  const auto& audience = facts.launched.audience();
  EXPECT_EQ(audience.treatment() + audience.holdout() + audience.excluded_no_consent() +
                audience.excluded_frequency_cap(),
            facts.preview.members());
  EXPECT_EQ(facts.report.treatment().members(), audience.treatment());
  EXPECT_GT(facts.report.treatment().conversions() + facts.report.holdout().conversions(), 0);
  ASSERT_EQ(facts.actions.size(), 3u);
  // A dormant client is never sold to: content, quiet, or (a top client about to leave) a
  // counsellor's call.
  const std::string& dormant = facts.actions[2].action();
  EXPECT_TRUE(dormant == "value_content" || dormant == "respect_quiet" ||
              dormant == "personal_outreach")
      << facts.actions[2].ShortDebugString();
}

}  // namespace
}  // namespace clienttier::campaign
