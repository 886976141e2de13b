#include "services/scoring/domain/score.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

namespace clienttier::scoring {
namespace {

constexpr Day kAsOf = 20'000;  // 2024-10-04

ClientFacts Prospect() {
  ClientFacts facts;
  facts.client_id = "prospect";
  facts.events_attended = 2;
  facts.last_activity_day = kAsOf - 3;
  return facts;
}

ClientFacts OnePurchase() {
  ClientFacts facts;
  facts.client_id = "one-purchase";
  facts.first_purchase_day = kAsOf - 10;
  facts.last_purchase_day = kAsOf - 10;
  facts.last_activity_day = kAsOf - 10;
  facts.purchase_count = 1;
  facts.purchase_days = 1;
  facts.spend_minor = 5'000;
  facts.active_months = 1;
  facts.purchases_30d = 1;
  facts.purchases_90d = 1;
  facts.purchases_365d = 1;
  facts.spend_30d_minor = 5'000;
  facts.spend_90d_minor = 5'000;
  facts.spend_365d_minor = 5'000;
  return facts;
}

ClientFacts BigClient() {
  ClientFacts facts;
  facts.client_id = "big";
  facts.first_purchase_day = kAsOf - 800;
  facts.last_purchase_day = kAsOf - 2;
  facts.last_activity_day = kAsOf - 2;
  facts.purchase_count = 30;
  facts.active_months = 20;
  facts.purchases_365d = 12;
  facts.spend_365d_minor = 1'500'000;
  facts.shares = 2;
  facts.referrals_sent = 3;
  facts.referrals_converted = 3;
  return facts;
}

ClientFacts Moderate() {
  ClientFacts facts;
  facts.client_id = "moderate";
  facts.first_purchase_day = kAsOf - 200;
  facts.last_purchase_day = kAsOf - 40;
  facts.last_activity_day = kAsOf - 40;
  facts.purchase_count = 3;
  facts.active_months = 2;
  facts.purchases_365d = 3;
  facts.spend_365d_minor = 60'000;
  return facts;
}

ClientFacts Lapsed() {
  ClientFacts facts;
  facts.client_id = "lapsed";
  facts.first_purchase_day = kAsOf - 700;
  facts.last_purchase_day = kAsOf - 400;
  facts.last_activity_day = kAsOf - 400;
  facts.purchase_count = 5;
  facts.active_months = 4;
  return facts;
}

ClvEstimate Clv(int64_t clv_minor, double p_alive) {
  ClvEstimate clv;
  clv.clv_minor = clv_minor;
  clv.p_alive = p_alive;
  clv.expected_purchases = 2.0;
  clv.method = "bg_nbd+gamma_gamma";
  return clv;
}

// Purchasers, by hand (4 clients, nearest-rank positions 1, 2, 3, 4):
//   recency   one 10, big 2, moderate 40, lapsed 400    -> cuts 2 10 40 400
//   frequency one 1, big 12, moderate 3, lapsed 0       -> cuts 0 1 3 12
//   monetary  5000, 1500000, 60000, 0                   -> cuts 0 5000 60000 1500000
//   value (median, position 2) 5000; potential = clv - value: 15000, 500000, -10000, 0 -> 0
struct Population {
  std::vector<ClientFacts> facts = {Prospect(), OnePurchase(), BigClient(), Moderate(), Lapsed()};
  std::vector<ClvEstimate> clv = {ClvEstimate{}, Clv(20'000, 1.0), Clv(2'000'000, 0.95),
                                  Clv(50'000, 0.6), Clv(0, 0.05)};
  ScoringConfig config = DefaultScoringConfig();
  PopulationStats stats = ComputePopulationStats(facts, clv, config, kAsOf, 7);

  ClientScore Score(size_t i, TierState previous = TierState{}) const {
    return ScoreClient(facts[i], stats, clv[i], config, previous, std::nullopt, kAsOf);
  }
};

bool HasRule(const ClientScore& score, const std::string& rule) {
  const auto& rules = score.explanation.rules;
  return std::find(rules.begin(), rules.end(), rule) != rules.end();
}

TEST(PopulationStatsTest, ComputedOverPurchasersOnly) {
  const Population population;
  const PopulationStats& stats = population.stats;
  EXPECT_EQ(stats.version, 7);
  EXPECT_EQ(stats.config_version, 0);
  EXPECT_EQ(stats.as_of, kAsOf);
  EXPECT_EQ(stats.client_count, 5);
  EXPECT_EQ(stats.purchaser_count, 4);
  EXPECT_EQ(stats.rfm.recency_cuts_days, (std::vector<int64_t>{2, 10, 40, 400}));
  EXPECT_EQ(stats.rfm.frequency_cuts, (std::vector<int64_t>{0, 1, 3, 12}));
  EXPECT_EQ(stats.rfm.monetary_cuts_minor, (std::vector<int64_t>{0, 5'000, 60'000, 1'500'000}));
  // The median of the purchasers with value in the window, {5,000, 60,000, 1,500,000}: the
  // lapsed client's 0 does not pull the cut down to 0.
  EXPECT_EQ(stats.quadrant.value_cut_minor, 60'000);
  EXPECT_EQ(stats.quadrant.potential_cut_minor, 0);
}

TEST(PopulationStatsTest, NeedsOneEstimatePerClient) {
  EXPECT_THROW(ComputePopulationStats({Prospect(), OnePurchase()}, {ClvEstimate{}},
                                      DefaultScoringConfig(), kAsOf, 1),
               std::invalid_argument);
}

TEST(ScoreClientTest, BigClientIsAT1Champion) {
  const Population population;
  const ClientScore score = population.Score(2);
  EXPECT_EQ(score.client_id, "big");
  EXPECT_EQ(score.as_of, kAsOf);
  EXPECT_EQ(score.config_version, 0);
  EXPECT_EQ(score.population_version, 7);
  ASSERT_TRUE(score.rfm.has_value());
  EXPECT_EQ(score.rfm_cell, "544");
  EXPECT_EQ(score.rfm->segment, RfmSegment::kChampions);
  EXPECT_EQ(score.spend_tier, SpendTier::kPremium);
  EXPECT_EQ(score.average_monthly_spend_minor, 125'000);
  EXPECT_EQ(score.need_depth, NeedDepth::kDeep);
  EXPECT_EQ(score.lifecycle, LifecycleStage::kMature);
  EXPECT_EQ(score.propagation_tier, PropagationTier::kSpreader);
  EXPECT_NEAR(score.propagation_index, 100.0 * 43.0 / 63.0, 1e-9);
  EXPECT_EQ(score.quadrant, Quadrant::kStar);
  EXPECT_EQ(score.quadrant_potential_minor, 500'000);
  EXPECT_DOUBLE_EQ(score.sub_scores.consumption, 81.25);
  EXPECT_DOUBLE_EQ(score.sub_scores.need_depth, 100.0);
  EXPECT_NEAR(score.composite, 0.6 * 81.25 + 25.0 + 0.15 * (100.0 * 43.0 / 63.0), 1e-9);
  EXPECT_EQ(score.tier.tier, Tier::kT1);
  EXPECT_TRUE(score.tier.changed);
  EXPECT_FALSE(score.churn_warning.warned);
}

TEST(ScoreClientTest, ScoreOnlyGivesTheSameScoreWithoutTheText) {
  const Population population;
  for (size_t i = 0; i < population.facts.size(); ++i) {
    const ClientScore explained = population.Score(i);
    const ClientScore bare =
        ScoreClient(population.facts[i], population.stats, population.clv[i], population.config,
                    TierState{}, std::nullopt, kAsOf, ScoreDetail::kScoreOnly);
    EXPECT_EQ(bare.composite, explained.composite) << i;
    EXPECT_EQ(bare.tier.tier, explained.tier.tier) << i;
    EXPECT_EQ(bare.rfm_cell, explained.rfm_cell) << i;
    EXPECT_EQ(bare.lifecycle, explained.lifecycle) << i;
    EXPECT_EQ(bare.quadrant, explained.quadrant) << i;
    EXPECT_EQ(bare.churn_warning.warned, explained.churn_warning.warned) << i;
    EXPECT_FALSE(explained.explanation.rules.empty()) << i;
    EXPECT_TRUE(bare.explanation.rules.empty()) << i;
    EXPECT_TRUE(bare.explanation.inputs.empty()) << i;
    EXPECT_EQ(bare.explanation.contributions.size(), 3u) << i;
  }
}

TEST(ScoreClientTest, ExplanationAddsUpAndNamesTheBreakpoints) {
  const Population population;
  const ClientScore score = population.Score(2);
  ASSERT_EQ(score.explanation.contributions.size(), 3u);
  double total = 0.0;
  for (const Contribution& contribution : score.explanation.contributions) {
    EXPECT_DOUBLE_EQ(contribution.points, contribution.weight * contribution.sub_score);
    total += contribution.points;
  }
  EXPECT_NEAR(total, score.composite, 1e-9);
  EXPECT_EQ(score.explanation.contributions[0].dimension, "consumption");
  EXPECT_DOUBLE_EQ(score.explanation.contributions[0].weight, 0.6);
  EXPECT_TRUE(HasRule(score, "rfm.recency: 2 days, cuts [2, 10, 40, 400] -> 5"));
  EXPECT_TRUE(HasRule(score, "rfm.frequency: 12 purchases in 365d, cuts [0, 1, 3, 12] -> 4"));
  EXPECT_TRUE(HasRule(score, "rfm.segment: cell 544 -> champions"));
  EXPECT_TRUE(HasRule(score,
                      "spend_tier: average monthly spend 125000 over 365 days > "
                      "growth_max_monthly_minor 100000 -> premium"));
  EXPECT_TRUE(HasRule(
      score, "quadrant: value 1500000 > cut 60000, potential 500000 > cut 0 (p50/p50) -> star"));
  const auto& inputs = score.explanation.inputs;
  const auto spend = std::find_if(inputs.begin(), inputs.end(), [](const ExplanationInput& input) {
    return input.name == "spend_365d_minor";
  });
  ASSERT_NE(spend, inputs.end());
  EXPECT_EQ(spend->value, "1500000");
}

TEST(ScoreClientTest, ClientWithOnePurchase) {
  const Population population;
  const ClientScore score = population.Score(1);
  EXPECT_EQ(score.rfm_cell, "422");
  EXPECT_EQ(score.rfm->segment, RfmSegment::kPotentialLoyalist);
  EXPECT_EQ(score.spend_tier, SpendTier::kBasic);
  EXPECT_EQ(score.average_monthly_spend_minor, 5'000);  // eleven days count as one month
  EXPECT_EQ(score.need_depth, NeedDepth::kLight);
  EXPECT_EQ(score.lifecycle, LifecycleStage::kOnboarding);
  EXPECT_EQ(score.quadrant, Quadrant::kQuestion);
  EXPECT_DOUBLE_EQ(score.composite, 0.6 * 37.5 + 0.25 * 30.0);
  EXPECT_EQ(score.tier.tier, Tier::kT3);
}

TEST(ScoreClientTest, ClientWithNoPurchase) {
  const Population population;
  const ClientScore score = population.Score(0);
  EXPECT_FALSE(score.rfm.has_value());
  EXPECT_FALSE(score.rfm_input.has_value());
  EXPECT_EQ(score.rfm_cell, "");
  EXPECT_EQ(score.spend_tier, SpendTier::kNone);
  EXPECT_EQ(score.need_depth, NeedDepth::kNone);
  EXPECT_EQ(score.lifecycle, LifecycleStage::kProspect);
  EXPECT_EQ(score.quadrant, Quadrant::kUnspecified);
  EXPECT_EQ(score.propagation_tier, PropagationTier::kParticipant);
  EXPECT_DOUBLE_EQ(score.sub_scores.consumption, 0.0);
  EXPECT_NEAR(score.composite, 0.15 * 100.0 * 2.0 / 22.0, 1e-9);
  EXPECT_EQ(score.tier.tier, Tier::kT3);
  EXPECT_TRUE(HasRule(score, "rfm: no purchase, no RFM score"));
}

TEST(ScoreClientTest, OtherQuadrantsAndStages) {
  const Population population;
  const ClientScore moderate = population.Score(3);
  EXPECT_EQ(moderate.rfm_cell, "333");
  EXPECT_EQ(moderate.need_depth, NeedDepth::kModerate);
  EXPECT_EQ(moderate.lifecycle, LifecycleStage::kGrowth);
  // Value 60,000 is the cut itself (high means above it); potential 50,000 - 60,000 < 0.
  EXPECT_EQ(moderate.quadrant, Quadrant::kDog);
  EXPECT_DOUBLE_EQ(moderate.composite, 46.25);
  EXPECT_EQ(moderate.tier.tier, Tier::kT2);

  const ClientScore lapsed = population.Score(4);
  EXPECT_EQ(lapsed.lifecycle, LifecycleStage::kChurned);
  EXPECT_EQ(lapsed.inactive_days, 400);
  EXPECT_EQ(lapsed.quadrant, Quadrant::kDog);
  EXPECT_EQ(lapsed.spend_tier, SpendTier::kBasic);
}

TEST(ScoreClientTest, ChurnWarningForAFadingTopClient) {
  Population population;
  population.clv[2].p_alive = 0.1;
  const ClientScore score = population.Score(2, TierState{Tier::kT1, kNever});
  EXPECT_EQ(score.tier.tier, Tier::kT1);
  EXPECT_FALSE(score.tier.changed);
  EXPECT_EQ(score.lifecycle, LifecycleStage::kChurned);
  EXPECT_TRUE(score.churn_warning.warned);
  EXPECT_EQ(score.churn_warning.reason, "T1 client: p_alive 0.1 < 0.3");
  EXPECT_TRUE(HasRule(score, "churn_warning: T1 client: p_alive 0.1 < 0.3"));
}

TEST(ScoreClientTest, WithoutAnEstimatePAliveIsNotUsed) {
  Population population;
  population.clv[2] = ClvEstimate{};
  population.clv[2].p_alive = 0.0;
  const ClientScore score = population.Score(2);
  EXPECT_EQ(score.lifecycle, LifecycleStage::kMature);
  EXPECT_FALSE(score.churn_warning.warned);
}

TEST(ScoreClientTest, PreviousTierAndOverrideAreApplied) {
  const Population population;
  const TierOverride floor{OverrideMode::kFloor, Tier::kT1, kNever};
  const ClientScore score =
      ScoreClient(population.facts[3], population.stats, population.clv[3], population.config,
                  TierState{Tier::kT2, kNever}, floor, kAsOf);
  EXPECT_EQ(score.tier.tier, Tier::kT1);
  EXPECT_TRUE(score.tier.override_applied);
  EXPECT_EQ(score.tier.reason,
            "override: floor T1 (no expiry); unchanged: score 46.25 >= t2_min_score 40");
}

TEST(ScoreClientTest, RefusesStatsFromAnotherConfigVersion) {
  Population population;
  population.config.version = 2;
  EXPECT_THROW(population.Score(1), std::invalid_argument);
}

}  // namespace
}  // namespace clienttier::scoring
