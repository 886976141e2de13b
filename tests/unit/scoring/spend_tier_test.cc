#include "services/scoring/domain/spend_tier.h"

#include <gtest/gtest.h>

namespace clienttier::scoring {
namespace {

constexpr Day kAsOf = 20'000;

// A client that has been buying for longer than the 365-day window: 12 months of exposure.
ClientFacts YearLongClient(int64_t spend_365d_minor) {
  ClientFacts facts;
  facts.first_purchase_day = kAsOf - 700;
  facts.last_purchase_day = kAsOf - 3;
  facts.purchase_count = 12;
  facts.purchases_365d = 12;
  facts.spend_365d_minor = spend_365d_minor;
  return facts;
}

SpendTier TierOf(int64_t spend_365d_minor) {
  return SpendTierFor(YearLongClient(spend_365d_minor), DefaultScoringConfig(), kAsOf);
}

TEST(SpendTierTest, BoundariesAtDefaultLimits) {
  EXPECT_EQ(TierOf(12 * 30'000), SpendTier::kBasic);       // exactly 300.00 a month
  EXPECT_EQ(TierOf(12 * 30'000 + 1), SpendTier::kGrowth);  // a hundredth of a cent above
  EXPECT_EQ(TierOf(12 * 30'100), SpendTier::kGrowth);      // 301.00
  EXPECT_EQ(TierOf(12 * 100'000), SpendTier::kGrowth);     // exactly 1000.00
  EXPECT_EQ(TierOf(12 * 100'001), SpendTier::kPremium);    // 1000.01
  EXPECT_EQ(TierOf(0), SpendTier::kBasic);                 // bought, but not in the window
}

TEST(SpendTierTest, NoPurchaseHasNoTier) {
  EXPECT_EQ(SpendTierFor(ClientFacts{}, DefaultScoringConfig(), kAsOf), SpendTier::kNone);
}

TEST(SpendTierTest, ExposureCountsTheFirstDayAndStopsAtTheWindow) {
  EXPECT_EQ(ExposureDays(kAsOf, kAsOf, 365), 1);
  EXPECT_EQ(ExposureDays(kAsOf - 59, kAsOf, 365), 60);
  EXPECT_EQ(ExposureDays(kAsOf - 364, kAsOf, 365), 365);
  EXPECT_EQ(ExposureDays(kAsOf - 2'000, kAsOf, 365), 365);
  EXPECT_EQ(ExposureDays(kAsOf - 2'000, kAsOf, 90), 90);
}

TEST(SpendTierTest, OnePurchaseTodayIsJudgedAsOneMonth) {
  ClientFacts facts;
  facts.first_purchase_day = kAsOf;
  facts.last_purchase_day = kAsOf;
  facts.purchase_count = 1;
  facts.purchases_365d = 1;
  facts.spend_365d_minor = 30'000;
  EXPECT_EQ(SpendTierFor(facts, DefaultScoringConfig(), kAsOf), SpendTier::kBasic);
  facts.spend_365d_minor = 30'001;
  EXPECT_EQ(SpendTierFor(facts, DefaultScoringConfig(), kAsOf), SpendTier::kGrowth);
}

TEST(SpendTierTest, ShortTenureDividesByMonthsPresent) {
  // 73 days = 73 * 12 / 365 = 2.4 months; 72,000 over 2.4 months is exactly 30,000 a month.
  EXPECT_EQ(ClassifySpendTier(72'000, 73, SpendTierConfig{}), SpendTier::kBasic);
  EXPECT_EQ(ClassifySpendTier(72'001, 73, SpendTierConfig{}), SpendTier::kGrowth);
  EXPECT_EQ(AverageMonthlySpendMinor(72'000, 73), 30'000);
  EXPECT_EQ(AverageMonthlySpendMinor(360'000, 365), 30'000);
  EXPECT_EQ(AverageMonthlySpendMinor(5'000, 1), 5'000);
}

TEST(SpendTierTest, LimitsAreConfigurable) {
  SpendTierConfig limits;
  limits.basic_max_monthly_minor = 1'000;
  limits.growth_max_monthly_minor = 2'000;
  EXPECT_EQ(ClassifySpendTier(12 * 1'000, 365, limits), SpendTier::kBasic);
  EXPECT_EQ(ClassifySpendTier(12 * 2'000, 365, limits), SpendTier::kGrowth);
  EXPECT_EQ(ClassifySpendTier(12 * 2'000 + 12, 365, limits), SpendTier::kPremium);
}

TEST(SpendTierTest, Names) {
  EXPECT_STREQ(Name(SpendTier::kUnspecified), "unspecified");
  EXPECT_STREQ(Name(SpendTier::kNone), "none");
  EXPECT_STREQ(Name(SpendTier::kBasic), "basic");
  EXPECT_STREQ(Name(SpendTier::kGrowth), "growth");
  EXPECT_STREQ(Name(SpendTier::kPremium), "premium");
}

}  // namespace
}  // namespace clienttier::scoring
