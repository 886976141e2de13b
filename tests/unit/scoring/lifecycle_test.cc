#include "services/scoring/domain/lifecycle.h"

#include <gtest/gtest.h>

#include "services/scoring/domain/calendar_days.h"

namespace clienttier::scoring {
namespace {

const Day kAsOf = DayFromCivil({2026, 6, 15});

ClientFacts ActiveClient(Day first_purchase_day) {
  ClientFacts facts;
  facts.first_purchase_day = first_purchase_day;
  facts.last_purchase_day = kAsOf - 5;
  facts.last_activity_day = kAsOf - 5;
  facts.purchase_count = 2;
  return facts;
}

ClientFacts LastActive(Day day) {
  ClientFacts facts = ActiveClient(DayFromCivil({2023, 1, 1}));
  facts.last_purchase_day = day;
  facts.last_activity_day = day;
  return facts;
}

LifecycleStage Stage(const ClientFacts& facts, std::optional<double> p_alive = std::nullopt) {
  return ClassifyLifecycle(facts, p_alive, LifecycleConfig{}, kAsOf);
}

TEST(LifecycleTest, NoPurchaseIsAProspect) {
  ClientFacts facts;
  facts.last_login_day = kAsOf - 400;
  EXPECT_EQ(Stage(facts), LifecycleStage::kProspect);
}

TEST(LifecycleTest, TenureBoundariesInCalendarMonths) {
  EXPECT_EQ(Stage(ActiveClient(kAsOf - 5)), LifecycleStage::kOnboarding);
  EXPECT_EQ(Stage(ActiveClient(DayFromCivil({2026, 3, 16}))), LifecycleStage::kOnboarding);
  EXPECT_EQ(Stage(ActiveClient(DayFromCivil({2026, 3, 15}))),
            LifecycleStage::kGrowth);  // exactly 3
  EXPECT_EQ(Stage(ActiveClient(DayFromCivil({2025, 6, 15}))),
            LifecycleStage::kGrowth);  // exactly 12
  EXPECT_EQ(Stage(ActiveClient(DayFromCivil({2025, 6, 14}))), LifecycleStage::kMature);
}

// Issue 17 part 1: tenure counts from the acquisition day the organisation gave; without it,
// or when a purchase came earlier, from the first purchase.
TEST(LifecycleTest, TenureCountsFromTheAcquisitionDay) {
  ClientFacts facts = ActiveClient(kAsOf - 5);
  EXPECT_EQ(RelationshipStartDay(facts), kAsOf - 5);
  facts.acquired_day = DayFromCivil({2020, 1, 1});
  EXPECT_EQ(RelationshipStartDay(facts), DayFromCivil({2020, 1, 1}));
  EXPECT_EQ(Stage(facts), LifecycleStage::kMature);
  facts.acquired_day = DayFromCivil({2026, 1, 15});  // five months: growth
  EXPECT_EQ(Stage(facts), LifecycleStage::kGrowth);
  facts.acquired_day = kAsOf - 1;  // acquired after its first purchase: the purchase counts
  EXPECT_EQ(RelationshipStartDay(facts), kAsOf - 5);
  EXPECT_EQ(Stage(facts), LifecycleStage::kOnboarding);

  // Without an acquisition day, the first activity counts, a login before the first purchase too.
  facts.acquired_day = kNever;
  facts.first_activity_day = DayFromCivil({2025, 1, 1});
  EXPECT_EQ(RelationshipStartDay(facts), DayFromCivil({2025, 1, 1}));
  EXPECT_EQ(Stage(facts), LifecycleStage::kMature);

  ClientFacts prospect;
  prospect.acquired_day = DayFromCivil({2020, 1, 1});
  EXPECT_EQ(RelationshipStartDay(prospect), DayFromCivil({2020, 1, 1}));
  EXPECT_EQ(Stage(prospect), LifecycleStage::kProspect);  // still never bought
}

TEST(LifecycleTest, OnePurchaseClient) {
  ClientFacts facts;
  facts.first_purchase_day = kAsOf - 10;
  facts.last_purchase_day = kAsOf - 10;
  facts.purchase_count = 1;
  EXPECT_EQ(Stage(facts), LifecycleStage::kOnboarding);
  EXPECT_EQ(InactiveDays(facts, kAsOf), 10);
}

TEST(LifecycleTest, DormantFromExactlyNinetyDays) {
  EXPECT_EQ(Stage(LastActive(kAsOf - 89)), LifecycleStage::kMature);
  EXPECT_EQ(Stage(LastActive(kAsOf - 90)), LifecycleStage::kDormant);
  EXPECT_EQ(Stage(LastActive(kAsOf - 364)), LifecycleStage::kDormant);
}

TEST(LifecycleTest, ChurnedFromExactlyThreeHundredSixtyFiveDays) {
  EXPECT_EQ(Stage(LastActive(kAsOf - 365)), LifecycleStage::kChurned);
  EXPECT_EQ(Stage(LastActive(kAsOf - 900)), LifecycleStage::kChurned);
}

TEST(LifecycleTest, LowPAliveChurnsEvenARecentClient) {
  const ClientFacts facts = ActiveClient(DayFromCivil({2025, 1, 1}));
  EXPECT_EQ(Stage(facts, 0.19), LifecycleStage::kChurned);
  EXPECT_EQ(Stage(facts, 0.2), LifecycleStage::kMature);  // "below" is strict
  EXPECT_EQ(Stage(facts, std::nullopt), LifecycleStage::kMature);
}

TEST(LifecycleTest, InteractionsKeepAClientActive) {
  ClientFacts facts = LastActive(kAsOf - 200);
  facts.last_activity_day = kAsOf - 10;  // came to an event
  EXPECT_EQ(Stage(facts), LifecycleStage::kMature);
  facts.last_activity_day = kAsOf - 200;
  facts.last_login_day = kAsOf - 1;
  EXPECT_EQ(Stage(facts), LifecycleStage::kMature);
  EXPECT_EQ(LastActiveDay(facts), kAsOf - 1);
}

TEST(LifecycleTest, NeverActiveHasNoInactiveDays) {
  EXPECT_EQ(InactiveDays(ClientFacts{}, kAsOf), -1);
}

TEST(LifecycleTest, ThresholdsAreConfigurable) {
  LifecycleConfig config;
  config.dormant_days = 30;
  config.churned_days = 60;
  config.onboarding_months = 1;
  EXPECT_EQ(ClassifyLifecycle(LastActive(kAsOf - 30), std::nullopt, config, kAsOf),
            LifecycleStage::kDormant);
  EXPECT_EQ(ClassifyLifecycle(LastActive(kAsOf - 60), std::nullopt, config, kAsOf),
            LifecycleStage::kChurned);
  EXPECT_EQ(
      ClassifyLifecycle(ActiveClient(DayFromCivil({2026, 5, 15})), std::nullopt, config, kAsOf),
      LifecycleStage::kGrowth);
}

TEST(LifecycleTest, Names) {
  EXPECT_STREQ(Name(LifecycleStage::kUnspecified), "unspecified");
  EXPECT_STREQ(Name(LifecycleStage::kProspect), "prospect");
  EXPECT_STREQ(Name(LifecycleStage::kOnboarding), "onboarding");
  EXPECT_STREQ(Name(LifecycleStage::kGrowth), "growth");
  EXPECT_STREQ(Name(LifecycleStage::kMature), "mature");
  EXPECT_STREQ(Name(LifecycleStage::kDormant), "dormant");
  EXPECT_STREQ(Name(LifecycleStage::kChurned), "churned");
}

}  // namespace
}  // namespace clienttier::scoring
