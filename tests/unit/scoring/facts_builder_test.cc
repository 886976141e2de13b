#include "services/scoring/domain/facts_builder.h"

#include <gtest/gtest.h>

#include "services/scoring/domain/calendar_days.h"

namespace clienttier::scoring {
namespace {

const Day kAsOf = DayFromCivil({2026, 6, 30});

PaidDay Paid(Day day, int64_t purchases, int64_t sessions, int64_t spend,
             const std::string& currency = "CNY") {
  return PaidDay{day, currency, purchases, sessions, spend};
}

TEST(FactsBuilderTest, AClientWithNoPaidDaysHasNoPurchase) {
  ActivityCounters activity;
  activity.last_activity_day = kAsOf - 3;
  const ClientFacts facts = BuildClientFacts("c1", {}, activity, "CNY", kAsOf);
  EXPECT_EQ(facts.first_purchase_day, kNever);
  EXPECT_EQ(facts.purchase_count, 0);
  EXPECT_EQ(facts.purchase_days, 0);
  EXPECT_EQ(facts.last_activity_day, kAsOf - 3);
}

// Issue 17 part 1: the acquisition as client-profile said it, the acquisition day and the
// first activity only when on or before as_of, and the first paid day when the stored first
// activity is missing (rows older than migration 007) or later.
TEST(FactsBuilderTest, TheAcquisitionAndTheFirstActivityAsOfTheDay) {
  ActivityCounters activity;
  activity.acquired_day = kAsOf - 100;
  activity.first_activity_day = kAsOf - 50;
  activity.acquisition_channel = "referral";
  activity.acquisition_cost_minor = 3000;
  activity.acquisition_cost_currency = "CNY";
  ClientFacts facts = BuildClientFacts("c1", {Paid(kAsOf - 60, 1, 0, 100)}, activity, "CNY", kAsOf);
  EXPECT_EQ(facts.acquired_day, kAsOf - 100);
  EXPECT_EQ(facts.first_activity_day, kAsOf - 60);
  EXPECT_EQ(facts.acquisition_channel, "referral");
  EXPECT_EQ(facts.acquisition_cost_minor, 3000);
  EXPECT_EQ(facts.acquisition_cost_currency, "CNY");

  facts = BuildClientFacts("c1", {}, activity, "CNY", kAsOf - 70);
  EXPECT_EQ(facts.acquired_day, kAsOf - 100);
  EXPECT_EQ(facts.first_activity_day, kNever);  // after that as-of
  facts = BuildClientFacts("c1", {}, activity, "CNY", kAsOf - 101);
  EXPECT_EQ(facts.acquired_day, kNever);

  activity.first_activity_day = kNever;
  facts = BuildClientFacts("c1", {Paid(kAsOf - 60, 1, 0, 100)}, activity, "CNY", kAsOf);
  EXPECT_EQ(facts.first_activity_day, kAsOf - 60);
}

TEST(FactsBuilderTest, WindowsIncludeTheAsOfDayAndExcludeTheDayThirtyDaysBefore) {
  const ClientFacts facts = BuildClientFacts(
      "c1",
      {Paid(kAsOf, 1, 0, 100), Paid(kAsOf - 29, 1, 0, 200), Paid(kAsOf - 30, 0, 1, 400),
       Paid(kAsOf - 89, 1, 0, 800), Paid(kAsOf - 90, 1, 0, 1600), Paid(kAsOf - 365, 1, 0, 3200)},
      {}, "CNY", kAsOf);
  EXPECT_EQ(facts.purchases_30d, 2);
  EXPECT_EQ(facts.spend_30d_minor, 300);
  EXPECT_EQ(facts.purchases_90d, 4);
  EXPECT_EQ(facts.spend_90d_minor, 1500);
  EXPECT_EQ(facts.sessions_90d, 1);
  EXPECT_EQ(facts.purchases_365d, 5);
  EXPECT_EQ(facts.spend_365d_minor, 3100);
  EXPECT_EQ(facts.purchase_count, 6);
  EXPECT_EQ(facts.spend_minor, 6300);
  EXPECT_EQ(facts.first_purchase_day, kAsOf - 365);
  EXPECT_EQ(facts.first_day_spend_minor, 3200);
  EXPECT_EQ(facts.last_purchase_day, kAsOf);
}

TEST(FactsBuilderTest, SeveralCurrenciesOnOneDayAreOneOccasionDayAndOnlyTheTenantsSpendCounts) {
  const ClientFacts facts =
      BuildClientFacts("c1",
                       {Paid(kAsOf - 10, 1, 0, 500, "CNY"), Paid(kAsOf - 10, 1, 0, 700, "USD"),
                        Paid(kAsOf - 5, 2, 0, 900, "CNY")},
                       {}, "CNY", kAsOf);
  EXPECT_EQ(facts.purchase_count, 4);
  EXPECT_EQ(facts.purchase_days, 2);
  EXPECT_EQ(facts.spend_minor, 1400);
  EXPECT_EQ(facts.first_day_spend_minor, 500);
}

TEST(FactsBuilderTest, DaysAfterAsOfAreIgnored) {
  const ClientFacts facts = BuildClientFacts(
      "c1", {Paid(kAsOf - 1, 1, 0, 100), Paid(kAsOf + 1, 1, 0, 900)}, {}, "", kAsOf);
  EXPECT_EQ(facts.purchase_count, 1);
  EXPECT_EQ(facts.last_purchase_day, kAsOf - 1);
}

TEST(FactsBuilderTest, ActiveMonthsCountDistinctCalendarMonths) {
  const ClientFacts facts = BuildClientFacts(
      "c1",
      {Paid(DayFromCivil({2026, 1, 31}), 1, 0, 1), Paid(DayFromCivil({2026, 2, 1}), 1, 0, 1),
       Paid(DayFromCivil({2026, 2, 20}), 1, 0, 1), Paid(DayFromCivil({2025, 2, 20}), 1, 0, 1)},
      {}, "", kAsOf);
  EXPECT_EQ(facts.active_months, 3);
}

TEST(FactsBuilderTest, ClvViewLeavesTheFirstDayOutOfRepeatSpend) {
  const ClientFacts facts = BuildClientFacts(
      "c1",
      {Paid(kAsOf - 100, 2, 0, 1000), Paid(kAsOf - 40, 1, 0, 300), Paid(kAsOf - 10, 1, 0, 500)}, {},
      "", kAsOf);
  const ClvClient clv = ClvClientFromFacts(facts, kAsOf);
  EXPECT_DOUBLE_EQ(clv.history.x, 2.0);
  EXPECT_DOUBLE_EQ(clv.history.t_x, 90.0);
  EXPECT_DOUBLE_EQ(clv.history.T, 100.0);
  EXPECT_DOUBLE_EQ(clv.mean_repeat_spend, 400.0);
  EXPECT_DOUBLE_EQ(clv.mean_spend, 1800.0 / 3.0);
}

TEST(FactsBuilderTest, ClvViewOfAOneTimeBuyerHasNoRepeats) {
  const ClientFacts facts = BuildClientFacts("c1", {Paid(kAsOf - 7, 1, 0, 250)}, {}, "", kAsOf);
  const ClvClient clv = ClvClientFromFacts(facts, kAsOf);
  EXPECT_DOUBLE_EQ(clv.history.x, 0.0);
  EXPECT_DOUBLE_EQ(clv.history.t_x, 0.0);
  EXPECT_DOUBLE_EQ(clv.history.T, 7.0);
  EXPECT_DOUBLE_EQ(clv.mean_repeat_spend, 0.0);
}

}  // namespace
}  // namespace clienttier::scoring
