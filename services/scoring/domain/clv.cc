#include "services/scoring/domain/clv.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace clienttier::scoring {
namespace {

bool IsValidClient(const ClvClient& client) {
  const RepeatSummary& h = client.history;
  return std::isfinite(h.x) && std::isfinite(h.t_x) && std::isfinite(h.T) && h.x >= 0.0 &&
         h.t_x >= 0.0 && h.t_x <= h.T && std::isfinite(client.mean_repeat_spend) &&
         std::isfinite(client.mean_spend) && client.mean_repeat_spend >= 0.0 &&
         client.mean_spend >= 0.0;
}

double ClientOwnSpend(const ClvClient& client) {
  return client.mean_repeat_spend > 0.0 ? client.mean_repeat_spend : client.mean_spend;
}

double Discounted(const std::vector<double>& cumulative_purchases, double spend,
                  double monthly_discount_rate) {
  double value = 0.0;
  double discount = 1.0;
  for (std::size_t m = 1; m < cumulative_purchases.size(); ++m) {
    discount /= 1.0 + monthly_discount_rate;
    value += (cumulative_purchases[m] - cumulative_purchases[m - 1]) * spend * discount;
  }
  return value;
}

ClvResult Heuristic(const ClvClient& client, int horizon_months, const ClvOptions& options,
                    std::string reason) {
  const RepeatSummary& h = client.history;
  const double gap =
      h.x >= 1.0 ? std::max(h.t_x / h.x, 1.0) : std::max(options.default_gap_days, 1.0);
  const double recency = h.T - h.t_x;
  ClvResult estimate;
  estimate.heuristic = true;
  estimate.method = kClvMethodHeuristic;
  estimate.reason = std::move(reason);
  estimate.probability_alive = std::exp(-std::max(0.0, recency / gap - 1.0));
  estimate.expected_spend_per_purchase = ClientOwnSpend(client);
  const double monthly_purchases = estimate.probability_alive * kDaysPerMonth / gap;
  std::vector<double> cumulative(static_cast<std::size_t>(horizon_months) + 1);
  for (std::size_t m = 0; m < cumulative.size(); ++m) {
    cumulative[m] = monthly_purchases * static_cast<double>(m);
  }
  estimate.expected_purchases = monthly_purchases * static_cast<double>(horizon_months);
  estimate.clv_minor = RoundToMinorUnits(
      Discounted(cumulative, estimate.expected_spend_per_purchase, options.monthly_discount_rate));
  return estimate;
}

}  // namespace

ClvModel SelectClvModel(const FitResult<BgNbdParams>& purchase_fit,
                        const FitResult<GammaGammaParams>& spend_fit) {
  ClvModel model;
  model.has_purchase_model = purchase_fit.usable();
  model.has_spend_model = spend_fit.usable();
  if (model.has_purchase_model) {
    model.purchase_model = purchase_fit.params;
  } else {
    model.fallback_reason = std::string("BG/NBD fit ") + FitStatusName(purchase_fit.status) + ": " +
                            purchase_fit.message;
  }
  if (model.has_spend_model) {
    model.spend_model = spend_fit.params;
  } else {
    if (!model.fallback_reason.empty()) {
      model.fallback_reason += "; ";
    }
    model.fallback_reason += std::string("Gamma-Gamma fit ") + FitStatusName(spend_fit.status) +
                             ": " + spend_fit.message;
  }
  return model;
}

ClvResult EstimateClv(const ClvClient& client, const ClvModel& model, const ClvOptions& options) {
  if (!IsValidClient(client) || !(options.monthly_discount_rate > -1.0) ||
      !std::isfinite(options.monthly_discount_rate)) {
    ClvResult invalid;
    invalid.heuristic = true;
    invalid.method = kClvMethodInvalidInput;
    invalid.reason =
        "history or spend is negative or non-finite, t_x > T, or discount rate <= -100%";
    return invalid;
  }
  const int horizon_months = std::max(options.horizon_months, 0);
  if (!model.has_purchase_model) {
    return Heuristic(client, horizon_months, options, model.fallback_reason);
  }

  // The month ends in days; the same for every client of a batch, so built once per thread.
  thread_local std::vector<double> horizons;
  if (horizons.size() != static_cast<std::size_t>(horizon_months)) {
    horizons.resize(static_cast<std::size_t>(horizon_months));
    for (std::size_t m = 0; m < horizons.size(); ++m) {
      horizons[m] = kDaysPerMonth * static_cast<double>(m + 1);
    }
  }
  const std::vector<double> curve =
      BgNbdConditionalExpectedPurchasesCurve(model.purchase_model, client.history, horizons);
  std::vector<double> cumulative(static_cast<std::size_t>(horizon_months) + 1, 0.0);
  for (std::size_t m = 1; m < cumulative.size(); ++m) {
    cumulative[m] = curve[m - 1];
    if (!std::isfinite(cumulative[m])) {
      return Heuristic(
          client, horizon_months, options,
          "BG/NBD expected purchases cannot be evaluated for this client (hypergeometric series)");
    }
  }

  ClvResult estimate;
  estimate.probability_alive = BgNbdProbabilityAlive(model.purchase_model, client.history);
  estimate.expected_purchases = cumulative[static_cast<std::size_t>(horizon_months)];
  double spend = std::numeric_limits<double>::quiet_NaN();
  if (model.has_spend_model) {
    spend = client.history.x >= 1.0 && client.mean_repeat_spend > 0.0
                ? GammaGammaConditionalExpectedSpend(
                      model.spend_model, SpendSummary{client.history.x, client.mean_repeat_spend})
                : GammaGammaMeanSpend(model.spend_model);
  }
  if (std::isfinite(spend)) {
    estimate.method = kClvMethodModel;
  } else {
    spend = ClientOwnSpend(client);
    estimate.heuristic = true;
    estimate.method = kClvMethodModelWithClientSpend;
    estimate.reason =
        model.has_spend_model ? "Gamma-Gamma mean spend undefined (q <= 1)" : model.fallback_reason;
  }
  estimate.expected_spend_per_purchase = spend;
  estimate.clv_minor =
      RoundToMinorUnits(Discounted(cumulative, spend, options.monthly_discount_rate));
  return estimate;
}

ClvEstimate ToClvEstimate(const ClvResult& result) {
  ClvEstimate estimate;
  if (result.method == kClvMethodInvalidInput) {
    return estimate;
  }
  estimate.expected_purchases = result.expected_purchases;
  estimate.p_alive = result.probability_alive;
  estimate.expected_spend_minor = RoundToMinorUnits(result.expected_spend_per_purchase);
  estimate.clv_minor = result.clv_minor;
  estimate.heuristic = result.heuristic;
  estimate.method = result.method;
  return estimate;
}

std::int64_t RoundToMinorUnits(double value) {
  if (std::isnan(value)) {
    return 0;
  }
  // 2^63 is exactly representable; every double below it converts without overflow.
  constexpr double kTwoTo63 = 9223372036854775808.0;
  const double rounded = std::round(value);
  if (rounded >= kTwoTo63) {
    return std::numeric_limits<std::int64_t>::max();
  }
  if (rounded <= -kTwoTo63) {
    return std::numeric_limits<std::int64_t>::min();
  }
  return static_cast<std::int64_t>(rounded);
}

}  // namespace clienttier::scoring
