#include <gtest/gtest.h>

#include "tools/demo_tenant/readable_wording.h"

namespace clienttier::demo {
namespace {

namespace sv1 = ::clienttier::scoring::v1;

TEST(ReadableWordingTest, NamesAreTheConsolesWordsNotEnumNames) {
  EXPECT_EQ(TierWords(sv1::TIER_T1), "Tier 1");
  EXPECT_EQ(TierWords(sv1::TIER_UNSPECIFIED), "Not rated yet");
  EXPECT_EQ(LifecycleWords(sv1::LIFECYCLE_STAGE_CHURNED), "Churned");
  EXPECT_EQ(LifecycleWords("onboarding"), "New");
  EXPECT_EQ(LifecycleWords("something_new"), "something_new");
  EXPECT_EQ(DimensionWords("consumption"), "Spending");
}

TEST(ReadableWordingTest, ProbabilitiesArePercentagesAndTinyOnesSaySo) {
  EXPECT_EQ(PercentText(0.875), "87.5%");
  EXPECT_EQ(PercentText(0.0), "0.0%");
  EXPECT_EQ(PercentText(9.78e-08), "<0.1%");
  EXPECT_EQ(PercentText(1.0), "100.0%");
}

TEST(ReadableWordingTest, ChurnReasonsAndActionsLoseTheEngineersFigures) {
  EXPECT_EQ(ChurnReasonWords("T1 client: p_alive 0 < 0.3; inactive 258 days >= 60", 1.14e-06),
            "only a <0.1% chance of still being active (below 30.0%); no activity for 258 days "
            "(the limit is 60)");
  EXPECT_EQ(ChurnReasonWords("T2 client: inactive 90 days >= 60", 0.8),
            "no activity for 90 days (the limit is 60)");
  EXPECT_EQ(ChurnReasonWords("something else", 0.5), "something else");
  EXPECT_EQ(ActionWords("personal_outreach"), "personal outreach");
  EXPECT_EQ(ActionReasonWords("T1 client with a churn warning (T1 client: p_alive 0 < 0.3; "
                              "inactive 258 days >= 60): personal outreach"),
            "Tier 1 client with a churn warning: personal outreach");
  EXPECT_EQ(TierWords("T2"), "Tier 2");
  EXPECT_EQ(TierWords("unspecified"), "Not rated yet");
}

TEST(ReadableWordingTest, WhyThisTierNamesTheThresholdOrTheOverride) {
  sv1::TierConfig tiers;
  tiers.set_t1_min_score(70);
  tiers.set_t2_min_score(40);
  sv1::Score score;
  score.set_tier(sv1::TIER_T1);
  score.set_score(72.16);
  EXPECT_EQ(TierWhy(score, tiers), "the score reaches the Tier 1 threshold of 70.0");
  score.set_score(68);
  EXPECT_EQ(TierWhy(score, tiers),
            "the score is below the Tier 1 threshold of 70.0, kept during the grace period "
            "before a demotion");
  score.set_tier(sv1::TIER_T3);
  EXPECT_EQ(TierWhy(score, tiers), "the score is below the Tier 2 threshold of 40.0");
  score.mutable_tier_override()->set_mode(sv1::TierOverride::MODE_FIXED);
  score.mutable_tier_override()->set_tier(sv1::TIER_T1);
  score.mutable_tier_override()->set_reason("board member");
  EXPECT_EQ(TierWhy(score, tiers),
            "a manager set the tier (fixed: Tier 1) because \"board member\"; its score is 68.0");
}

// A channel without acquisition cost has no LTV/CAC: the report's 0 there is printed as the
// console prints it, not as "0.00"; a channel with cost keeps its ratio, a real 0 included.
TEST(ReadableWordingTest, LtvCacOfAChannelWithoutCostIsADashNotZero) {
  sv1::ChannelEconomics free_channel;
  free_channel.set_channel("referral");
  free_channel.mutable_acquisition_cost()->set_currency("CNY");
  free_channel.set_ltv_to_cac(0.0);
  EXPECT_EQ(LtvCacText(free_channel), "\u2014");
  sv1::ChannelEconomics paid;
  paid.mutable_acquisition_cost()->set_units(5000);
  paid.set_ltv_to_cac(0.76);
  EXPECT_EQ(LtvCacText(paid), "0.76");
  paid.set_ltv_to_cac(0.0);  // cost but no value yet: a true ratio of 0
  EXPECT_EQ(LtvCacText(paid), "0.00");
  // Aligned by columns, not bytes: the dash is one column wide.
  EXPECT_EQ(RightAligned("\u2014", 9), std::string(8, ' ') + "\u2014");
  EXPECT_EQ(RightAligned("0.76", 9), "     0.76");
}

}  // namespace
}  // namespace clienttier::demo
