#include "services/scoring/domain/clv.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

namespace clienttier::scoring {
namespace {

ClvModel FittedModel() {
  ClvModel model;
  model.has_purchase_model = true;
  model.purchase_model = BgNbdParams{3.0, 200.0, 0.5, 2.0};
  model.has_spend_model = true;
  model.spend_model = GammaGammaParams{1.5, 4.0, 10000.0};
  return model;
}

const ClvClient kRegular{{4.0, 300.0, 365.0}, 2000.0, 2100.0};

ClvOptions Options(int horizon, double discount) {
  ClvOptions options;
  options.horizon_months = horizon;
  options.monthly_discount_rate = discount;
  return options;
}

TEST(RoundToMinorUnitsTest, RoundsHalfAwayFromZeroAndClamps) {
  EXPECT_EQ(RoundToMinorUnits(2.5), 3);
  EXPECT_EQ(RoundToMinorUnits(-2.5), -3);
  EXPECT_EQ(RoundToMinorUnits(2.4999), 2);
  EXPECT_EQ(RoundToMinorUnits(1e30), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(RoundToMinorUnits(-1e30), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(RoundToMinorUnits(std::nan("")), 0);
}

TEST(ClvModelTest, HorizonZeroIsWorthNothing) {
  const ClvResult estimate = EstimateClv(kRegular, FittedModel(), Options(0, 0.01));
  EXPECT_EQ(estimate.clv_minor, 0);
  EXPECT_EQ(estimate.expected_purchases, 0.0);
  EXPECT_FALSE(estimate.heuristic);
}

ClvOptions DayOptions(int horizon_days, double discount) {
  ClvOptions options;
  options.horizon_months = 0;
  options.horizon_days = horizon_days;
  options.monthly_discount_rate = discount;
  return options;
}

// Issue 17 part 6: a horizon in days. 16 months of 30.4375 days are exactly 487 days.
TEST(ClvModelTest, AHorizonInWholeMonthsOfDaysEqualsTheSameMonths) {
  for (const double discount : {0.0, 0.01, 0.2}) {
    const ClvResult months = EstimateClv(kRegular, FittedModel(), Options(16, discount));
    const ClvResult days = EstimateClv(kRegular, FittedModel(), DayOptions(487, discount));
    EXPECT_EQ(days.clv_minor, months.clv_minor) << discount;
    EXPECT_EQ(days.expected_purchases, months.expected_purchases) << discount;
  }
}

TEST(ClvModelTest, AHorizonOfDaysEndsAtItsLastDayWithAFractionalDiscount) {
  const ClvModel model = FittedModel();
  // 39 weeks = 273 days: 8 whole months (243.5 days) and 29.5 days.
  const ClvResult weeks = EstimateClv(kRegular, model, DayOptions(273, 0.0));
  EXPECT_NEAR(weeks.expected_purchases,
              BgNbdConditionalExpectedPurchases(model.purchase_model, kRegular.history, 273.0),
              1e-9);
  const double spend = GammaGammaConditionalExpectedSpend(
      model.spend_model, {kRegular.history.x, kRegular.mean_repeat_spend});
  EXPECT_EQ(weeks.clv_minor, RoundToMinorUnits(weeks.expected_purchases * spend));
  // With discounting: the first 8 months as a horizon of 8 months, plus the last 29.5 days'
  // purchases discounted by (1 + d)^(273 / 30.4375), computed independently here.
  const double d = 0.05;
  const ClvResult eight = EstimateClv(kRegular, model, Options(8, d));
  const double before =
      BgNbdConditionalExpectedPurchases(model.purchase_model, kRegular.history, 8 * kDaysPerMonth);
  const double expected =
      static_cast<double>(eight.clv_minor) +
      (BgNbdConditionalExpectedPurchases(model.purchase_model, kRegular.history, 273.0) - before) *
          spend / std::pow(1.0 + d, 273.0 / kDaysPerMonth);
  EXPECT_NEAR(static_cast<double>(EstimateClv(kRegular, model, DayOptions(273, d)).clv_minor),
              expected, 1.0);  // eight.clv_minor is rounded once
  // Monotone in the horizon, day by day.
  int64_t previous = 0;
  for (int day = 1; day <= 400; day += 7) {
    const int64_t value = EstimateClv(kRegular, model, DayOptions(day, 0.01)).clv_minor;
    EXPECT_GE(value, previous) << day;
    previous = value;
  }
}

TEST(ClvModelTest, TheHeuristicScalesWithAHorizonInDays) {
  const ClvModel none;  // no fitted model: the heuristic
  const ClvResult year = EstimateClv(kRegular, none, Options(12, 0.0));
  const ClvResult weeks = EstimateClv(kRegular, none, DayOptions(273, 0.0));
  ASSERT_TRUE(weeks.heuristic);
  EXPECT_NEAR(weeks.expected_purchases / year.expected_purchases, 273.0 / (12 * kDaysPerMonth),
              1e-12);
}

TEST(ClvModelTest, NoDiscountEqualsExpectedPurchasesTimesSpend) {
  const ClvModel model = FittedModel();
  const ClvResult estimate = EstimateClv(kRegular, model, Options(12, 0.0));
  const double purchases =
      BgNbdConditionalExpectedPurchases(model.purchase_model, kRegular.history, 12 * kDaysPerMonth);
  const double spend = GammaGammaConditionalExpectedSpend(
      model.spend_model, {kRegular.history.x, kRegular.mean_repeat_spend});
  EXPECT_EQ(estimate.clv_minor, RoundToMinorUnits(purchases * spend));
  EXPECT_NEAR(estimate.expected_purchases, purchases, 1e-12);
  EXPECT_GT(estimate.clv_minor, 0);
  EXPECT_EQ(estimate.method, kClvMethodModel);
  EXPECT_FALSE(estimate.heuristic);
  EXPECT_TRUE(estimate.reason.empty());
  // Discounting at 1% a month lowers it, by less than discounting everything by 12 months.
  const ClvResult discounted = EstimateClv(kRegular, model, Options(12, 0.01));
  EXPECT_LT(discounted.clv_minor, estimate.clv_minor);
  EXPECT_GT(discounted.clv_minor, estimate.clv_minor / std::pow(1.01, 12));
}

TEST(ClvModelTest, MonotoneInHorizonForModelAndHeuristic) {
  const ClvModel fitted = FittedModel();
  const ClvModel empty;
  for (const ClvModel* model : {&fitted, &empty}) {
    std::int64_t previous = 0;
    for (int horizon = 0; horizon <= 36; ++horizon) {
      const ClvResult estimate = EstimateClv(kRegular, *model, Options(horizon, 0.01));
      EXPECT_GE(estimate.clv_minor, previous) << horizon;
      previous = estimate.clv_minor;
    }
    EXPECT_GT(previous, 0);
  }
}

TEST(ClvModelTest, NewClientUsesPopulationSpend) {
  const ClvModel model = FittedModel();
  const ClvResult estimate =
      EstimateClv(ClvClient{{0.0, 0.0, 0.0}, 0.0, 900.0}, model, Options(12, 0.0));
  EXPECT_EQ(estimate.method, kClvMethodModel);
  EXPECT_NEAR(estimate.expected_spend_per_purchase, GammaGammaMeanSpend(model.spend_model), 1e-9);
  EXPECT_EQ(estimate.probability_alive, 1.0);
}

TEST(ClvHeuristicTest, UnusableFitsFallBackAndSaySo) {
  FitResult<BgNbdParams> bg;
  bg.status = FitStatus::kTooLittleData;
  bg.message = "BG/NBD needs at least 50 clients, got 3";
  FitResult<GammaGammaParams> gg;
  gg.status = FitStatus::kTooLittleData;
  gg.message = "Gamma-Gamma needs at least 20 clients";
  const ClvModel model = SelectClvModel(bg, gg);
  EXPECT_FALSE(model.has_purchase_model);
  EXPECT_NE(model.fallback_reason.find("too little data"), std::string::npos)
      << model.fallback_reason;

  // Hand-worked: gap = 90 / 3 = 30 days, recency 30 <= gap so P(alive) = 1,
  // 30.4375 / 30 purchases a month at the client's mean repeat spend of 1000.
  const ClvClient client{{3.0, 90.0, 120.0}, 1000.0, 1500.0};
  const ClvResult estimate = EstimateClv(client, model, Options(12, 0.0));
  EXPECT_TRUE(estimate.heuristic);
  EXPECT_EQ(estimate.method, kClvMethodHeuristic);
  EXPECT_FALSE(estimate.reason.empty());
  EXPECT_EQ(estimate.probability_alive, 1.0);
  EXPECT_EQ(estimate.clv_minor, RoundToMinorUnits(12.0 * 30.4375 / 30.0 * 1000.0));

  // Silent for three gaps: P(alive) = exp(-(90/30 - 1)).
  const ClvResult quiet =
      EstimateClv(ClvClient{{3.0, 90.0, 180.0}, 1000.0, 1500.0}, model, Options(12, 0.0));
  EXPECT_NEAR(quiet.probability_alive, std::exp(-2.0), 1e-15);
  EXPECT_EQ(quiet.clv_minor, RoundToMinorUnits(12.0 * std::exp(-2.0) * 30.4375 / 30.0 * 1000.0));

  // One-time buyer: the default yearly gap and the client's overall mean spend.
  const ClvResult once =
      EstimateClv(ClvClient{{0.0, 0.0, 100.0}, 0.0, 800.0}, model, Options(12, 0.0));
  EXPECT_EQ(once.clv_minor, RoundToMinorUnits(12.0 * 30.4375 / 365.0 * 800.0));
}

TEST(ClvHeuristicTest, MissingSpendModelUsesClientSpendAndIsFlagged) {
  ClvModel model = FittedModel();
  model.has_spend_model = false;
  model.fallback_reason = "Gamma-Gamma fit degenerate data";
  const ClvResult estimate = EstimateClv(kRegular, model, Options(12, 0.01));
  EXPECT_TRUE(estimate.heuristic);
  EXPECT_EQ(estimate.method, kClvMethodModelWithClientSpend);
  EXPECT_EQ(estimate.expected_spend_per_purchase, kRegular.mean_repeat_spend);
}

TEST(ClvHeuristicTest, InvalidInputIsZeroAndFlagged) {
  const ClvResult estimate = EstimateClv(ClvClient{{2.0, 50.0, 10.0}, 100.0, 100.0}, FittedModel());
  EXPECT_EQ(estimate.clv_minor, 0);
  EXPECT_TRUE(estimate.heuristic);
  EXPECT_EQ(estimate.method, kClvMethodInvalidInput);
}

TEST(ClvEstimateTest, NarrowsForTheScoringRules) {
  const ClvResult result = EstimateClv(kRegular, FittedModel(), Options(12, 0.01));
  const ClvEstimate estimate = ToClvEstimate(result);
  EXPECT_EQ(estimate.clv_minor, result.clv_minor);
  EXPECT_EQ(estimate.p_alive, result.probability_alive);
  EXPECT_EQ(estimate.expected_spend_minor, RoundToMinorUnits(result.expected_spend_per_purchase));
  EXPECT_EQ(estimate.method, kClvMethodModel);
  EXPECT_FALSE(estimate.heuristic);
  // An invalid input is "no estimate" to the rules.
  EXPECT_EQ(
      ToClvEstimate(EstimateClv(ClvClient{{2.0, 50.0, 10.0}, 100.0, 100.0}, FittedModel())).method,
      "");
}

}  // namespace
}  // namespace clienttier::scoring
