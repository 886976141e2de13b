#include "services/scoring/domain/scoring_config.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

namespace clienttier::scoring {
namespace {

// Applies one change to the default config and expects exactly one problem.
void ExpectOnlyProblem(const std::function<void(ScoringConfig&)>& change, const std::string& field,
                       const std::string& rule) {
  ScoringConfig config = DefaultScoringConfig();
  change(config);
  const std::vector<ConfigProblem> problems = ValidateScoringConfig(config);
  ASSERT_EQ(problems.size(), 1u) << "expected only " << field << ": " << rule;
  EXPECT_EQ(problems[0].field, field);
  EXPECT_EQ(problems[0].rule, rule);
}

ScoringConfig FixedCutsConfig() {
  ScoringConfig config = DefaultScoringConfig();
  config.rfm.recency_cuts_days = {30, 90, 180, 365};
  config.rfm.frequency_cuts = {1, 2, 4, 8};
  config.rfm.monetary_cuts_minor = {10'000, 50'000, 100'000, 500'000};
  return config;
}

TEST(ScoringConfigTest, DefaultsAreDesignValues) {
  const ScoringConfig config = DefaultScoringConfig();
  EXPECT_EQ(config.rfm.window_days, 365);
  EXPECT_EQ(config.rfm.bins, 5);
  EXPECT_FALSE(UsesFixedCuts(config.rfm));
  EXPECT_EQ(config.version, 0);
  EXPECT_EQ(config.spend_tier.basic_max_monthly_minor, 30'000);
  EXPECT_EQ(config.spend_tier.growth_max_monthly_minor, 100'000);
  EXPECT_EQ(config.lifecycle.onboarding_months, 3);
  EXPECT_EQ(config.lifecycle.growth_months, 12);
  EXPECT_EQ(config.lifecycle.dormant_days, 90);
  EXPECT_EQ(config.lifecycle.churned_days, 365);
  EXPECT_EQ(config.clv.horizon_months, 12);
  EXPECT_DOUBLE_EQ(config.clv.monthly_discount_rate, 0.01);
  EXPECT_DOUBLE_EQ(config.quadrant.value_percentile, 50.0);
  EXPECT_DOUBLE_EQ(config.quadrant.potential_percentile, 50.0);
  EXPECT_DOUBLE_EQ(config.composite.consumption_weight, 0.6);
  EXPECT_DOUBLE_EQ(config.composite.need_depth_weight, 0.25);
  EXPECT_DOUBLE_EQ(config.composite.propagation_weight, 0.15);
  EXPECT_EQ(config.propagation.spreader_min_converted, 3);
  EXPECT_GT(config.tiers.t1_min_score, config.tiers.t2_min_score);
}

TEST(ScoringConfigTest, DefaultIsValid) {
  EXPECT_TRUE(ValidateScoringConfig(DefaultScoringConfig()).empty());
}

TEST(ScoringConfigTest, FixedCutsConfigIsValid) {
  EXPECT_TRUE(ValidateScoringConfig(FixedCutsConfig()).empty());
}

TEST(ScoringConfigTest, FourBinsIsValid) {
  ScoringConfig config = DefaultScoringConfig();
  config.rfm.bins = 4;
  EXPECT_TRUE(ValidateScoringConfig(config).empty());
}

TEST(ScoringConfigTest, UsesFixedCutsWhenAnyListIsSet) {
  RfmConfig rfm;
  EXPECT_FALSE(UsesFixedCuts(rfm));
  rfm.monetary_cuts_minor = {1};
  EXPECT_TRUE(UsesFixedCuts(rfm));
}

TEST(ScoringConfigTest, VersionMustNotBeNegative) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.version = -1; }, "config.version",
                    "must not be negative");
}

TEST(ScoringConfigTest, WindowMustBeAnAggregatedLength) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.rfm.window_days = 180; }, "config.rfm.window_days",
                    "must be 30, 90 or 365");
}

TEST(ScoringConfigTest, BinsMustBeFourOrFive) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.rfm.bins = 3; }, "config.rfm.bins", "must be 4 or 5");
  ExpectOnlyProblem([](ScoringConfig& c) { c.rfm.bins = 6; }, "config.rfm.bins", "must be 4 or 5");
}

TEST(ScoringConfigTest, FixedCutsNeedAllThreeLists) {
  ScoringConfig config = DefaultScoringConfig();
  config.rfm.frequency_cuts = {1, 2, 4, 8};
  const std::vector<ConfigProblem> problems = ValidateScoringConfig(config);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].field, "config.rfm.recency_cuts_days");
  EXPECT_EQ(problems[0].rule, "must have bins - 1 = 4 values");
  EXPECT_EQ(problems[1].field, "config.rfm.monetary_cuts_minor");
  EXPECT_EQ(problems[1].rule, "must have bins - 1 = 4 values");
}

TEST(ScoringConfigTest, FixedCutsNeedBinsMinusOneValues) {
  ScoringConfig config = FixedCutsConfig();
  config.rfm.recency_cuts_days = {30, 90, 180};
  std::vector<ConfigProblem> problems = ValidateScoringConfig(config);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].field, "config.rfm.recency_cuts_days");
  EXPECT_EQ(problems[0].rule, "must have bins - 1 = 4 values");

  config = FixedCutsConfig();
  config.rfm.bins = 4;  // every dimension now has one value too many
  problems = ValidateScoringConfig(config);
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0].field, "config.rfm.recency_cuts_days");
  EXPECT_EQ(problems[1].field, "config.rfm.frequency_cuts");
  EXPECT_EQ(problems[2].field, "config.rfm.monetary_cuts_minor");
  EXPECT_EQ(problems[2].rule, "must have bins - 1 = 3 values");
}

TEST(ScoringConfigTest, FixedCutsMustBeStrictlyAscending) {
  ScoringConfig config = FixedCutsConfig();
  config.rfm.monetary_cuts_minor = {10'000, 50'000, 50'000, 500'000};
  const std::vector<ConfigProblem> problems = ValidateScoringConfig(config);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].field, "config.rfm.monetary_cuts_minor");
  EXPECT_EQ(problems[0].rule, "must be strictly ascending");
}

TEST(ScoringConfigTest, FixedCutsMustNotBeNegative) {
  ScoringConfig config = FixedCutsConfig();
  config.rfm.frequency_cuts = {-1, 2, 4, 8};
  const std::vector<ConfigProblem> problems = ValidateScoringConfig(config);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].field, "config.rfm.frequency_cuts");
  EXPECT_EQ(problems[0].rule, "must not be negative");
}

TEST(ScoringConfigTest, BasicSpendLimitMustBePositive) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.spend_tier.basic_max_monthly_minor = 0; },
                    "config.spend_tier.basic_max_monthly_minor", "must be positive");
}

TEST(ScoringConfigTest, GrowthSpendLimitMustExceedBasic) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.spend_tier.growth_max_monthly_minor = 30'000; },
                    "config.spend_tier.growth_max_monthly_minor",
                    "must be greater than basic_max_monthly_minor");
}

TEST(ScoringConfigTest, ModerateNeedsAtLeastTwoSessions) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.need_depth.moderate_min_sessions = 1; },
                    "config.need_depth.moderate_min_sessions",
                    "must be at least 2 (one session is light)");
}

TEST(ScoringConfigTest, DeepNeedsMoreSessionsThanModerate) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.need_depth.deep_min_sessions = 2; },
                    "config.need_depth.deep_min_sessions",
                    "must be greater than moderate_min_sessions");
}

TEST(ScoringConfigTest, DeepActiveMonthsMustBePositive) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.need_depth.deep_min_active_months = 0; },
                    "config.need_depth.deep_min_active_months", "must be positive");
}

TEST(ScoringConfigTest, OnboardingMonthsMustBePositive) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.lifecycle.onboarding_months = 0; },
                    "config.lifecycle.onboarding_months", "must be positive");
}

TEST(ScoringConfigTest, GrowthMustNotEndBeforeOnboardingEnds) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.lifecycle.growth_months = 2; },
                    "config.lifecycle.growth_months", "must not be less than onboarding_months");
}

TEST(ScoringConfigTest, DormantDaysMustBePositive) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.lifecycle.dormant_days = 0; },
                    "config.lifecycle.dormant_days", "must be positive");
}

TEST(ScoringConfigTest, ChurnedDaysMustExceedDormantDays) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.lifecycle.churned_days = 90; },
                    "config.lifecycle.churned_days", "must be greater than dormant_days");
}

TEST(ScoringConfigTest, ChurnedPAliveMustBeInZeroToOne) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.lifecycle.churned_p_alive = 1.0; },
                    "config.lifecycle.churned_p_alive", "must be in [0, 1)");
  ExpectOnlyProblem([](ScoringConfig& c) { c.lifecycle.churned_p_alive = -0.1; },
                    "config.lifecycle.churned_p_alive", "must be in [0, 1)");
}

TEST(ScoringConfigTest, SpreaderMinimumMustBePositive) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.propagation.spreader_min_converted = 0; },
                    "config.propagation.spreader_min_converted", "must be positive");
}

TEST(ScoringConfigTest, ClvHorizonMustBePositive) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.clv.horizon_months = 0; }, "config.clv.horizon_months",
                    "must be positive");
}

TEST(ScoringConfigTest, DiscountRateMustBeInZeroToOne) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.clv.monthly_discount_rate = 1.0; },
                    "config.clv.monthly_discount_rate", "must be in [0, 1)");
  ExpectOnlyProblem([](ScoringConfig& c) { c.clv.monthly_discount_rate = -0.01; },
                    "config.clv.monthly_discount_rate", "must be in [0, 1)");
  ScoringConfig config = DefaultScoringConfig();
  config.clv.monthly_discount_rate = 0.0;
  EXPECT_TRUE(ValidateScoringConfig(config).empty());
}

TEST(ScoringConfigTest, MinClientsToFitMustBePositive) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.clv.min_clients_to_fit = 0; },
                    "config.clv.min_clients_to_fit", "must be positive");
}

TEST(ScoringConfigTest, MinRepeatBuyersMustBePositive) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.clv.min_repeat_buyers_to_fit = 0; },
                    "config.clv.min_repeat_buyers_to_fit", "must be positive");
}

TEST(ScoringConfigTest, MinRepeatBuyersMustNotExceedMinClients) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.clv.min_repeat_buyers_to_fit = 101; },
                    "config.clv.min_repeat_buyers_to_fit", "must not exceed min_clients_to_fit");
}

TEST(ScoringConfigTest, ValuePercentileMustBeInsideZeroToHundred) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.quadrant.value_percentile = 0.0; },
                    "config.quadrant.value_percentile", "must be in (0, 100)");
  ExpectOnlyProblem([](ScoringConfig& c) { c.quadrant.value_percentile = 100.0; },
                    "config.quadrant.value_percentile", "must be in (0, 100)");
}

TEST(ScoringConfigTest, PotentialPercentileMustBeInsideZeroToHundred) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.quadrant.potential_percentile = 100.5; },
                    "config.quadrant.potential_percentile", "must be in (0, 100)");
}

TEST(ScoringConfigTest, EachWeightMustBeInZeroToOne) {
  // The sum is not reported on top: it cannot be judged from an invalid weight.
  ExpectOnlyProblem(
      [](ScoringConfig& c) {
        c.composite.consumption_weight = 1.1;
        c.composite.need_depth_weight = 0.0;
        c.composite.propagation_weight = 0.0;
      },
      "config.composite.consumption_weight", "must be in [0, 1]");
  ExpectOnlyProblem([](ScoringConfig& c) { c.composite.need_depth_weight = std::nan(""); },
                    "config.composite.need_depth_weight", "must be in [0, 1]");
  ExpectOnlyProblem([](ScoringConfig& c) { c.composite.propagation_weight = -0.15; },
                    "config.composite.propagation_weight", "must be in [0, 1]");
}

TEST(ScoringConfigTest, WeightsMustSumToOne) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.composite.propagation_weight = 0.1; },
                    "config.composite", "weights must sum to 1");
  ScoringConfig config = DefaultScoringConfig();
  config.composite = CompositeConfig{0.7, 0.2, 0.1};  // sums to 0.9999999999999999 in binary
  ASSERT_NE(config.composite.consumption_weight + config.composite.need_depth_weight +
                config.composite.propagation_weight,
            1.0);
  EXPECT_TRUE(ValidateScoringConfig(config).empty());
}

TEST(ScoringConfigTest, T1ThresholdMustBeAScore) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.tiers.t1_min_score = 120.0; },
                    "config.tiers.t1_min_score", "must be in (0, 100]");
}

TEST(ScoringConfigTest, T2ThresholdMustBeAScoreAboveZero) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.tiers.t2_min_score = 0.0; },
                    "config.tiers.t2_min_score", "must be in (0, 100)");
}

TEST(ScoringConfigTest, T1ThresholdMustExceedT2) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.tiers.t1_min_score = 40.0; },
                    "config.tiers.t1_min_score", "must be greater than t2_min_score");
}

TEST(ScoringConfigTest, DemotionMarginMustNotBeNegative) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.tiers.demotion_margin = -1.0; },
                    "config.tiers.demotion_margin", "must be in [0, 100)");
}

TEST(ScoringConfigTest, GraceDaysMustNotBeNegative) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.tiers.demotion_grace_days = -1; },
                    "config.tiers.demotion_grace_days", "must not be negative");
}

TEST(ScoringConfigTest, ChurnWarningPAliveMustBeInsideZeroToOne) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.churn_warning.p_alive_below = 0.0; },
                    "config.churn_warning.p_alive_below", "must be in (0, 1)");
}

TEST(ScoringConfigTest, ChurnWarningInactiveDaysMustBePositive) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.churn_warning.inactive_days = 0; },
                    "config.churn_warning.inactive_days", "must be positive");
}

TEST(ScoringConfigTest, ClvHorizonIsAtMostTenYears) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.clv.horizon_months = 121; },
                    "config.clv.horizon_months", "must be at most 120 (months; 10 years)");
  ExpectOnlyProblem([](ScoringConfig& c) { c.clv.horizon_months = 2'147'483'647; },
                    "config.clv.horizon_months", "must be at most 120 (months; 10 years)");
  ScoringConfig config = DefaultScoringConfig();
  config.clv.horizon_months = 120;
  EXPECT_TRUE(ValidateScoringConfig(config).empty());
}

// Issue 17 part 6: a horizon in days, as the alternative to months (exactly one of the two).
TEST(ScoringConfigTest, ClvHorizonInDaysReplacesMonthsAndIsAtMostTenYears) {
  ScoringConfig config = DefaultScoringConfig();
  config.clv.horizon_months = 0;
  config.clv.horizon_days = 273;  // 39 weeks
  EXPECT_TRUE(ValidateScoringConfig(config).empty());
  config.clv.horizon_days = kMaxClvHorizonDays;
  EXPECT_TRUE(ValidateScoringConfig(config).empty());
  ExpectOnlyProblem(
      [](ScoringConfig& c) {
        c.clv.horizon_months = 0;
        c.clv.horizon_days = 3654;
      },
      "config.clv.horizon_days", "must be at most 3653 (days; 10 years)");
  ExpectOnlyProblem(
      [](ScoringConfig& c) {
        c.clv.horizon_months = 0;
        c.clv.horizon_days = -1;
      },
      "config.clv.horizon_days", "must be positive");
}

TEST(ScoringConfigTest, ClvHorizonInDaysAndMonthsTogetherIsRefused) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.clv.horizon_days = 273; }, "config.clv.horizon_days",
                    "must be 0 when horizon_months is set (set exactly one)");
}

TEST(ScoringConfigTest, DiscountRateIsAtMostTwentyPercentAMonth) {
  ExpectOnlyProblem([](ScoringConfig& c) { c.clv.monthly_discount_rate = 0.21; },
                    "config.clv.monthly_discount_rate",
                    "must be at most 0.2 (a rate per month; 0.2 = 20%)");
  ScoringConfig config = DefaultScoringConfig();
  config.clv.monthly_discount_rate = 0.2;
  EXPECT_TRUE(ValidateScoringConfig(config).empty());
}

// Each bounded count one past its maximum, and the maximum itself accepted.
TEST(ScoringConfigTest, EveryCountHasAnUpperBound) {
  struct Case {
    std::function<void(ScoringConfig&, int64_t)> set;
    int64_t max;
    std::string field;
    std::string unit;
  };
  const std::vector<Case> cases = {
      {[](ScoringConfig& c, int64_t v) { c.spend_tier.growth_max_monthly_minor = v; },
       kMaxMoneyMinor, "config.spend_tier.growth_max_monthly_minor", "minor units a month"},
      {[](ScoringConfig& c, int64_t v) {
         c.need_depth.moderate_min_sessions = v;
         c.need_depth.deep_min_sessions = kMaxDeepMinSessions;
       },
       kMaxModerateMinSessions, "config.need_depth.moderate_min_sessions", "sessions"},
      {[](ScoringConfig& c, int64_t v) { c.need_depth.deep_min_sessions = v; }, kMaxDeepMinSessions,
       "config.need_depth.deep_min_sessions", "sessions"},
      {[](ScoringConfig& c, int64_t v) { c.need_depth.deep_min_active_months = v; },
       kMaxDeepMinActiveMonths, "config.need_depth.deep_min_active_months", "months"},
      {[](ScoringConfig& c, int64_t v) {
         c.lifecycle.onboarding_months = v;
         c.lifecycle.growth_months = kMaxGrowthMonths;
       },
       kMaxOnboardingMonths, "config.lifecycle.onboarding_months", "months"},
      {[](ScoringConfig& c, int64_t v) { c.lifecycle.growth_months = v; }, kMaxGrowthMonths,
       "config.lifecycle.growth_months", "months"},
      {[](ScoringConfig& c, int64_t v) {
         c.lifecycle.dormant_days = v;
         c.lifecycle.churned_days = kMaxChurnedDays;
       },
       kMaxDormantDays, "config.lifecycle.dormant_days", "days"},
      {[](ScoringConfig& c, int64_t v) { c.lifecycle.churned_days = v; }, kMaxChurnedDays,
       "config.lifecycle.churned_days", "days"},
      {[](ScoringConfig& c, int64_t v) { c.propagation.spreader_min_converted = v; },
       kMaxSpreaderMinConverted, "config.propagation.spreader_min_converted",
       "converted referrals"},
      {[](ScoringConfig& c, int64_t v) { c.clv.min_clients_to_fit = v; }, kMaxMinClientsToFit,
       "config.clv.min_clients_to_fit", "clients"},
      {[](ScoringConfig& c, int64_t v) { c.tiers.demotion_grace_days = v; }, kMaxDemotionGraceDays,
       "config.tiers.demotion_grace_days", "days"},
      {[](ScoringConfig& c, int64_t v) { c.churn_warning.inactive_days = v; },
       kMaxChurnWarningInactiveDays, "config.churn_warning.inactive_days", "days"},
  };
  for (const Case& bound : cases) {
    ScoringConfig config = DefaultScoringConfig();
    bound.set(config, bound.max);
    EXPECT_TRUE(ValidateScoringConfig(config).empty()) << bound.field << " at its maximum";
    ExpectOnlyProblem([&](ScoringConfig& c) { bound.set(c, bound.max + 1); }, bound.field,
                      "must be at most " + std::to_string(bound.max) + " (" + bound.unit + ")");
  }
}

TEST(ScoringConfigTest, FixedCutsHaveUpperBounds) {
  ExpectOnlyProblem(
      [](ScoringConfig& c) {
        c = FixedCutsConfig();
        c.rfm.recency_cuts_days = {30, 90, 180, 36'501};
      },
      "config.rfm.recency_cuts_days", "must be at most 36500 (days)");
  ExpectOnlyProblem(
      [](ScoringConfig& c) {
        c = FixedCutsConfig();
        c.rfm.frequency_cuts = {1, 2, 4, 100'001};
      },
      "config.rfm.frequency_cuts", "must be at most 100000 (purchases)");
  ExpectOnlyProblem(
      [](ScoringConfig& c) {
        c = FixedCutsConfig();
        c.rfm.monetary_cuts_minor = {1, 2, 3, kMaxMoneyMinor + 1};
      },
      "config.rfm.monetary_cuts_minor", "must be at most 1000000000000000 (minor units)");
}

TEST(ScoringConfigTest, ReportsEveryProblemAtOnce) {
  ScoringConfig config = DefaultScoringConfig();
  config.version = -3;
  config.rfm.bins = 7;
  config.tiers.t1_min_score = 10.0;
  const std::vector<ConfigProblem> problems = ValidateScoringConfig(config);
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0].field, "config.version");
  EXPECT_EQ(problems[1].field, "config.rfm.bins");
  EXPECT_EQ(problems[2].field, "config.tiers.t1_min_score");
}

}  // namespace
}  // namespace clienttier::scoring
