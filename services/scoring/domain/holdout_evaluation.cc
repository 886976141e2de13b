#include "services/scoring/domain/holdout_evaluation.h"

#include <algorithm>
#include <cmath>

#include "services/scoring/domain/facts_builder.h"

namespace clienttier::scoring {

namespace {

int RowOf(double x) { return static_cast<int>(std::min<double>(x, kHoldoutFrequencyRows - 1)); }

double FiniteOrZero(double value) { return std::isfinite(value) ? value : 0.0; }

// Sums per row, then the rows that have clients as means.
class RowTally {
 public:
  RowTally()
      : clients_(kHoldoutFrequencyRows, 0),
        actual_(kHoldoutFrequencyRows, 0.0),
        predicted_(kHoldoutFrequencyRows, 0.0) {}

  void Add(double x, double actual, double predicted) {
    const int row = RowOf(x);
    ++clients_[row];
    actual_[row] += actual;
    predicted_[row] += predicted;
  }

  std::vector<HoldoutRow> Rows() const {
    std::vector<HoldoutRow> rows;
    for (int row = 0; row < kHoldoutFrequencyRows; ++row) {
      if (clients_[row] == 0) {
        continue;
      }
      const double n = static_cast<double>(clients_[row]);
      rows.push_back(HoldoutRow{row, row == kHoldoutFrequencyRows - 1, clients_[row],
                                actual_[row] / n, predicted_[row] / n});
    }
    return rows;
  }

 private:
  std::vector<int64_t> clients_;
  std::vector<double> actual_;
  std::vector<double> predicted_;
};

}  // namespace

std::optional<HoldoutClient> HoldoutClientFromFacts(const ClientFacts& at_calibration_end,
                                                    const ClientFacts& at_holdout_end,
                                                    Day calibration_end) {
  if (at_calibration_end.first_purchase_day == kNever) {
    return std::nullopt;
  }
  HoldoutClient client;
  client.calibration = ClvClientFromFacts(at_calibration_end, calibration_end);
  client.holdout_purchase_days = at_holdout_end.purchase_days - at_calibration_end.purchase_days;
  client.holdout_spend_minor = at_holdout_end.spend_minor - at_calibration_end.spend_minor;
  client.spend_converted = at_holdout_end.unconverted_occasions.empty();
  return client;
}

HoldoutEvaluation EvaluateHoldout(const std::vector<HoldoutClient>& clients,
                                  const BgNbdParams* purchase_model,
                                  const GammaGammaParams* spend_model, double holdout_days) {
  HoldoutEvaluation evaluation;
  evaluation.clients = static_cast<int64_t>(clients.size());
  RowTally purchases;
  RowTally spend;
  double absolute_error = 0.0;
  double spend_absolute_error = 0.0;
  int64_t spend_clients = 0;
  for (const HoldoutClient& client : clients) {
    const double x = client.calibration.history.x;
    const double actual = static_cast<double>(client.holdout_purchase_days);
    evaluation.actual_purchases += client.holdout_purchase_days;
    if (purchase_model != nullptr) {
      const double predicted = FiniteOrZero(BgNbdConditionalExpectedPurchases(
          *purchase_model, client.calibration.history, holdout_days));
      evaluation.predicted_purchases += predicted;
      absolute_error += std::fabs(actual - predicted);
      purchases.Add(x, actual, predicted);
    }
    if (spend_model != nullptr && client.holdout_purchase_days > 0 && client.spend_converted) {
      const double actual_spend = static_cast<double>(client.holdout_spend_minor) /
                                  static_cast<double>(client.holdout_purchase_days);
      const double predicted_spend = FiniteOrZero(GammaGammaConditionalExpectedSpend(
          *spend_model, SpendSummary{x, client.calibration.mean_repeat_spend}));
      spend_absolute_error += std::fabs(actual_spend - predicted_spend);
      ++spend_clients;
      spend.Add(x, actual_spend, predicted_spend);
    }
  }
  if (purchase_model != nullptr) {
    evaluation.purchases = purchases.Rows();
    if (evaluation.clients > 0) {
      evaluation.mean_absolute_error = absolute_error / static_cast<double>(evaluation.clients);
    }
  }
  if (spend_model != nullptr) {
    evaluation.spend = spend.Rows();
    if (spend_clients > 0) {
      evaluation.spend_mean_absolute_error =
          spend_absolute_error / static_cast<double>(spend_clients);
    }
  }
  return evaluation;
}

}  // namespace clienttier::scoring
