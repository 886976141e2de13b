#include "services/scoring/domain/facts_builder.h"

#include <gtest/gtest.h>

#include <vector>

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

// Rows usually come in day order and are counted as they come; any other order (a day before
// the one already seen) must count the same distinct days and months.
TEST(FactsBuilderTest, DaysInAnyOrderCountTheSameDistinctDaysAndMonths) {
  const Day jan31 = DayFromCivil({2026, 1, 31});
  const Day feb1 = DayFromCivil({2026, 2, 1});
  const Day feb20 = DayFromCivil({2026, 2, 20});
  const Day may5 = DayFromCivil({2026, 5, 5});
  const std::vector<PaidDay> ordered = {Paid(jan31, 1, 0, 100), Paid(feb1, 1, 0, 100),
                                        Paid(feb1, 0, 1, 50, "USD"), Paid(feb20, 1, 0, 100),
                                        Paid(may5, 2, 0, 100)};
  const ClientFacts in_order = BuildClientFacts("c1", ordered, {}, "CNY", kAsOf);
  EXPECT_EQ(in_order.purchase_days, 4);
  EXPECT_EQ(in_order.active_months, 3);
  EXPECT_EQ(in_order.first_purchase_day, jan31);
  EXPECT_EQ(in_order.last_purchase_day, may5);

  const std::vector<PaidDay> shuffled = {ordered[3], ordered[0], ordered[4], ordered[2],
                                         ordered[1]};
  const ClientFacts out_of_order = BuildClientFacts("c1", shuffled, {}, "CNY", kAsOf);
  EXPECT_EQ(out_of_order.purchase_days, 4);
  EXPECT_EQ(out_of_order.active_months, 3);
  EXPECT_EQ(out_of_order.first_purchase_day, jan31);
  EXPECT_EQ(out_of_order.purchase_count, in_order.purchase_count);
  EXPECT_EQ(out_of_order.first_day_spend_minor, in_order.first_day_spend_minor);

  // A day after as_of or without a paid occasion counts in neither order.
  std::vector<PaidDay> with_others = shuffled;
  with_others.insert(with_others.begin(), Paid(kAsOf + 1, 1, 0, 100));
  with_others.push_back(Paid(DayFromCivil({2025, 12, 1}), 0, 0, 0));
  const ClientFacts with_others_facts = BuildClientFacts("c1", with_others, {}, "CNY", kAsOf);
  EXPECT_EQ(with_others_facts.purchase_days, 4);
  EXPECT_EQ(with_others_facts.active_months, 3);
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
