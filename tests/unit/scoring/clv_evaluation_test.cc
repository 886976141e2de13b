// EvaluateClvModel (issue 17 part 3): the calibration/holdout comparison on simulated tenants
// whose true BG/NBD and Gamma-Gamma parameters are known, through the use case over the fakes,
// and the holdout table itself on a hand-computed handful of clients.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "bench/support/bgnbd_simulation.h"
#include "services/scoring/app/clv_evaluation.h"
#include "services/scoring/domain/holdout_evaluation.h"
#include "tests/support/scoring/fake_scoring_world.h"

namespace clienttier::scoring {
namespace {

using testing::FakeScoringWorld;

constexpr char kTenant[] = "t1";
constexpr Day kCalibrationEnd = FakeScoringWorld::kToday - 200;
constexpr int kHoldoutDays = 182;
constexpr Day kHoldoutEnd = kCalibrationEnd + kHoldoutDays;

// The CDNOW estimates of Fader, Hardie & Lee (2005) with alpha in days, and Gamma-Gamma's of
// Fader & Hardie (2013) in cents.
constexpr BgNbdParams kTruePurchases{0.243, 4.414 * 7, 0.793, 2.426};
constexpr GammaGammaParams kTrueSpend{6.25, 3.74, 1544.0};

class ClvEvaluationTest : public ::testing::Test {
 protected:
  // `clients` simulated clients whose observation ends at the calibration end and who are
  // followed through the holdout; the first purchase day's spend (left out of Gamma-Gamma) is
  // 5000 minor units. Returns each client's holdout purchase days.
  std::vector<int64_t> LoadSimulatedTenant(std::size_t clients, std::uint64_t seed) {
    std::vector<int64_t> holdout_days;
    std::vector<bench::SimulatedPurchaseDays> simulated;
    bench::SimulatePurchaseDays(clients, kTruePurchases, kTrueSpend, seed, kHoldoutDays,
                                &simulated);
    for (std::size_t i = 0; i < simulated.size(); ++i) {
      const bench::SimulatedPurchaseDays& client = simulated[i];
      const Day first = kCalibrationEnd - client.observed_days;
      std::string id = "c" + std::to_string(100000 + i);
      AddPaidDay(id, first, 5000);
      holdout_days.push_back(0);
      for (std::size_t k = 0; k < client.repeat_days.size(); ++k) {
        holdout_days.back() += client.repeat_days[k] > client.observed_days ? 1 : 0;
        AddPaidDay(id, first + client.repeat_days[k],
                   static_cast<int64_t>(client.repeat_spends[k]));
      }
    }
    return holdout_days;
  }

  void AddPaidDay(const std::string& client_id, Day day, int64_t spend_minor,
                  const std::string& currency = "CNY") {
    auto& client = world_.aggregates.clients[{kTenant, client_id}];
    PaidDay& paid = client.days[{day, currency}];
    paid.day = day;
    paid.currency = currency;
    paid.purchases += 1;
    paid.spend_minor += spend_minor;
    client.counters.last_activity_day = std::max(client.counters.last_activity_day, day);
  }

  FakeScoringWorld world_;
  ClvEvaluation evaluation_{world_.transactions, world_.calculator, world_.aggregates, 1};
};

void Print(const v1::ClvModelEvaluation& result) {
  std::cout << "clients " << result.clients() << ", holdout " << result.holdout_days()
            << " days: actual " << result.actual_holdout_purchases() << " vs predicted "
            << result.predicted_holdout_purchases() << " purchase days, MAE "
            << result.mean_absolute_error() << " per client; spend MAE "
            << result.spend_mean_absolute_error_minor() << " minor\n";
  for (const auto* fit : {&result.bg_nbd(), &result.gamma_gamma()}) {
    for (const auto& parameter : fit->parameters()) {
      std::cout << "  " << parameter.name() << " = " << parameter.value() << " (se "
                << parameter.standard_error() << ")\n";
    }
  }
  for (const auto& row : result.purchases_by_frequency()) {
    std::cout << "  x=" << row.calibration_frequency() << (row.and_more() ? "+" : "")
              << " n=" << row.clients() << " actual " << row.mean_actual_purchases()
              << " predicted " << row.mean_predicted_purchases() << "\n";
  }
  for (const auto& row : result.spend_by_frequency()) {
    std::cout << "  spend x=" << row.calibration_frequency() << (row.and_more() ? "+" : "")
              << " n=" << row.clients() << " actual " << row.mean_actual_spend_minor()
              << " predicted " << row.mean_predicted_spend_minor() << "\n";
  }
}

TEST_F(ClvEvaluationTest, PredictionsOnASimulatedTenantMatchItsHoldout) {
  const std::vector<int64_t> truth = LoadSimulatedTenant(6000, 20261205);
  // A client whose first purchase is in the holdout is not in the calibration population.
  AddPaidDay("late-buyer", kCalibrationEnd + 3, 2000);
  AddPaidDay("late-buyer", kCalibrationEnd + 40, 2000);

  const v1::ClvModelEvaluation result = evaluation_.Evaluate(kTenant, kCalibrationEnd, kHoldoutEnd);
  Print(result);

  ASSERT_EQ(result.bg_nbd().status(), "converged") << result.bg_nbd().message();
  ASSERT_EQ(result.gamma_gamma().status(), "converged") << result.gamma_gamma().message();
  EXPECT_EQ(result.clients(), 6000);
  EXPECT_EQ(result.bg_nbd().clients(), 6000);
  EXPECT_EQ(result.holdout_days(), kHoldoutDays);
  EXPECT_EQ(result.currency(), "CNY");
  EXPECT_EQ(result.calibration_end().seconds(), kCalibrationEnd * 86400);
  EXPECT_EQ(result.holdout_end().seconds(), kHoldoutEnd * 86400);

  // The tenant as a whole: predicted purchase days within 5% of what happened.
  const double actual = static_cast<double>(result.actual_holdout_purchases());
  int64_t simulated = 0;
  for (const int64_t days : truth) {
    simulated += days;
  }
  EXPECT_EQ(result.actual_holdout_purchases(), simulated);
  ASSERT_GT(actual, 1000.0);
  EXPECT_NEAR(result.predicted_holdout_purchases(), actual, 0.05 * actual);

  // Rows 0..6 and 7+, in order; each row's mean prediction close to its mean outcome (the
  // tolerance is about three standard errors of a row's mean at these sizes).
  ASSERT_EQ(result.purchases_by_frequency_size(), kHoldoutFrequencyRows);
  int64_t row_clients = 0;
  for (int i = 0; i < result.purchases_by_frequency_size(); ++i) {
    const auto& row = result.purchases_by_frequency(i);
    EXPECT_EQ(row.calibration_frequency(), i);
    EXPECT_EQ(row.and_more(), i == kHoldoutFrequencyRows - 1);
    row_clients += row.clients();
    const double standard_error =
        std::sqrt(std::max(row.mean_actual_purchases(), 0.05) * 2.0 / row.clients());
    EXPECT_NEAR(row.mean_predicted_purchases(), row.mean_actual_purchases(),
                0.1 + 3.0 * standard_error)
        << "x = " << i;
  }
  EXPECT_EQ(row_clients, 6000);
  // Rising with the calibration frequency, as the truth does.
  EXPECT_LT(result.purchases_by_frequency(0).mean_predicted_purchases(),
            result.purchases_by_frequency(7).mean_predicted_purchases());
  // Per client, the model beats the naive forecast that everyone buys the tenant's mean.
  const double mean = actual / 6000.0;
  double naive_error = 0.0;
  for (const int64_t days : truth) {
    naive_error += std::fabs(static_cast<double>(days) - mean) / 6000.0;
  }
  std::cout << "naive MAE (everyone the mean " << mean << "): " << naive_error << "\n";
  EXPECT_GT(result.mean_absolute_error(), 0.0);
  EXPECT_LT(result.mean_absolute_error(), 0.9 * naive_error);

  // Spend per purchase day, for the clients who bought in the holdout: rows by calibration
  // frequency within 15% (the 0 row is the population mean for everyone).
  ASSERT_GE(result.spend_by_frequency_size(), 6);
  for (const auto& row : result.spend_by_frequency()) {
    if (row.clients() >= 100) {
      EXPECT_NEAR(row.mean_predicted_spend_minor(), row.mean_actual_spend_minor(),
                  0.15 * row.mean_actual_spend_minor())
          << "x = " << row.calibration_frequency();
    }
  }
  EXPECT_GT(result.spend_mean_absolute_error_minor(), 0.0);

  // Nothing stored: no model version, no score.
  EXPECT_TRUE(world_.versions.models[kTenant].empty());
}

TEST_F(ClvEvaluationTest, TooLittleCalibrationDataSaysSoAndLeavesTheTablesEmpty) {
  (void)LoadSimulatedTenant(30, 7);  // below the default 100 clients to fit
  const v1::ClvModelEvaluation result = evaluation_.Evaluate(kTenant, kCalibrationEnd, kHoldoutEnd);
  EXPECT_EQ(result.bg_nbd().status(), "too_little_data");
  EXPECT_EQ(result.clients(), 30);
  EXPECT_EQ(result.predicted_holdout_purchases(), 0.0);
  EXPECT_EQ(result.purchases_by_frequency_size(), 0);
  EXPECT_EQ(result.spend_by_frequency_size(), 0);
}

// The table on four clients whose rows and means are worked out by hand.
TEST(HoldoutEvaluation, RowsMeansAndErrorsAsComputedByHand) {
  const BgNbdParams purchases{0.5, 20.0, 0.8, 2.5};
  const GammaGammaParams spend{6.0, 4.0, 1500.0};
  const auto client = [](double x, double t_x, double T, double mean_repeat_spend,
                         int64_t holdout_days, int64_t holdout_spend, bool converted) {
    HoldoutClient c;
    c.calibration.history = RepeatSummary{x, t_x, T};
    c.calibration.mean_repeat_spend = mean_repeat_spend;
    c.holdout_purchase_days = holdout_days;
    c.holdout_spend_minor = holdout_spend;
    c.spend_converted = converted;
    return c;
  };
  const std::vector<HoldoutClient> clients{
      client(0, 0, 100, 0, 0, 0, true),           // row 0, nothing in the holdout
      client(0, 0, 50, 0, 2, 3000, true),         // row 0, 2 days of 1500 each
      client(9, 180, 200, 900, 4, 4000, true),    // row 7+, 4 days of 1000 each
      client(12, 190, 200, 700, 1, 800, false)};  // row 7+, spend without a rate
  const double days = 60.0;
  const HoldoutEvaluation result = EvaluateHoldout(clients, &purchases, &spend, days);

  std::vector<double> predicted;
  for (const HoldoutClient& c : clients) {
    predicted.push_back(BgNbdConditionalExpectedPurchases(purchases, c.calibration.history, days));
  }
  EXPECT_EQ(result.clients, 4);
  EXPECT_EQ(result.actual_purchases, 7);
  EXPECT_NEAR(result.predicted_purchases, predicted[0] + predicted[1] + predicted[2] + predicted[3],
              1e-12);
  EXPECT_NEAR(result.mean_absolute_error,
              (std::fabs(0 - predicted[0]) + std::fabs(2 - predicted[1]) +
               std::fabs(4 - predicted[2]) + std::fabs(1 - predicted[3])) /
                  4.0,
              1e-12);
  ASSERT_EQ(result.purchases.size(), 2u);  // rows without clients are left out
  EXPECT_EQ(result.purchases[0].calibration_frequency, 0);
  EXPECT_FALSE(result.purchases[0].and_more);
  EXPECT_EQ(result.purchases[0].clients, 2);
  EXPECT_DOUBLE_EQ(result.purchases[0].mean_actual, 1.0);
  EXPECT_NEAR(result.purchases[0].mean_predicted, (predicted[0] + predicted[1]) / 2, 1e-12);
  EXPECT_EQ(result.purchases[1].calibration_frequency, 7);
  EXPECT_TRUE(result.purchases[1].and_more);
  EXPECT_EQ(result.purchases[1].clients, 2);
  EXPECT_DOUBLE_EQ(result.purchases[1].mean_actual, 2.5);

  // Spend: the first client bought nothing in the holdout, the last one's spend is unconverted.
  const double population_mean = 6.0 * 1500.0 / 3.0;                        // x = 0
  const double blended = 6.0 * (1500.0 + 9 * 900.0) / (6.0 * 9 + 4.0 - 1);  // x = 9
  ASSERT_EQ(result.spend.size(), 2u);
  EXPECT_EQ(result.spend[0].clients, 1);
  EXPECT_DOUBLE_EQ(result.spend[0].mean_actual, 1500.0);
  EXPECT_NEAR(result.spend[0].mean_predicted, population_mean, 1e-9);
  EXPECT_EQ(result.spend[1].clients, 1);
  EXPECT_DOUBLE_EQ(result.spend[1].mean_actual, 1000.0);
  EXPECT_NEAR(result.spend[1].mean_predicted, blended, 1e-9);
  EXPECT_NEAR(result.spend_mean_absolute_error,
              (std::fabs(1500.0 - population_mean) + std::fabs(1000.0 - blended)) / 2, 1e-9);

  // Without usable models: the observed totals only.
  const HoldoutEvaluation bare = EvaluateHoldout(clients, nullptr, nullptr, days);
  EXPECT_EQ(bare.actual_purchases, 7);
  EXPECT_EQ(bare.predicted_purchases, 0.0);
  EXPECT_TRUE(bare.purchases.empty());
  EXPECT_TRUE(bare.spend.empty());
}

// A client's two views: the holdout is the difference, a later first purchase is not a client.
TEST(HoldoutEvaluation, AClientIsItsFactsAtBothEnds) {
  const auto facts = [](Day first, Day last, int64_t days, int64_t spend, int64_t first_spend) {
    ClientFacts f;
    f.first_purchase_day = first;
    f.last_purchase_day = last;
    f.purchase_days = days;
    f.spend_minor = spend;
    f.first_day_spend_minor = first_spend;
    return f;
  };
  const std::optional<HoldoutClient> client =
      HoldoutClientFromFacts(facts(100, 150, 3, 6000, 1000), facts(100, 230, 5, 9000, 1000), 200);
  ASSERT_TRUE(client.has_value());
  EXPECT_EQ(client->calibration.history.x, 2.0);
  EXPECT_EQ(client->calibration.history.t_x, 50.0);
  EXPECT_EQ(client->calibration.history.T, 100.0);
  EXPECT_EQ(client->calibration.mean_repeat_spend, 2500.0);
  EXPECT_EQ(client->holdout_purchase_days, 2);
  EXPECT_EQ(client->holdout_spend_minor, 3000);
  EXPECT_TRUE(client->spend_converted);

  ClientFacts unconverted = facts(100, 230, 5, 9000, 1000);
  unconverted.unconverted_occasions = {{"USD", 1}};
  EXPECT_FALSE(
      HoldoutClientFromFacts(facts(100, 150, 3, 6000, 1000), unconverted, 200)->spend_converted);
  EXPECT_FALSE(HoldoutClientFromFacts(ClientFacts{}, facts(210, 230, 2, 4000, 2000), 200));
}

}  // namespace
}  // namespace clienttier::scoring
