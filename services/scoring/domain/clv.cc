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

// The projection's periods: the end of each in days (whole months of kDaysPerMonth, the last
// cut at the horizon when it is not a whole number of months) and its length in months (1 for
// a whole month, so a horizon in months discounts exactly as before days existed).
struct Periods {
  std::vector<double> ends_days;
  std::vector<double> lengths_months;
};

Periods PeriodsOf(const ClvOptions& options) {
  Periods periods;
  if (options.horizon_days > 0) {
    const double horizon = static_cast<double>(options.horizon_days);
    const int whole = static_cast<int>(horizon / kDaysPerMonth);
    for (int m = 1; m <= whole; ++m) {
      periods.ends_days.push_back(kDaysPerMonth * static_cast<double>(m));
      periods.lengths_months.push_back(1.0);
    }
    const double rest = horizon - kDaysPerMonth * static_cast<double>(whole);
    if (rest > 0.0) {
      periods.ends_days.push_back(horizon);
      periods.lengths_months.push_back(rest / kDaysPerMonth);
    }
    return periods;
  }
  const int months = std::max(options.horizon_months, 0);
  for (int m = 1; m <= months; ++m) {
    periods.ends_days.push_back(kDaysPerMonth * static_cast<double>(m));
    periods.lengths_months.push_back(1.0);
  }
  return periods;
}

// The same for every client of a batch, so built once per thread and options.
const Periods& CachedPeriodsOf(const ClvOptions& options) {
  thread_local int cached_months = -1;
  thread_local int cached_days = -1;
  thread_local Periods cached;
  if (cached_months != options.horizon_months || cached_days != options.horizon_days) {
    cached = PeriodsOf(options);
    cached_months = options.horizon_months;
    cached_days = options.horizon_days;
  }
  return cached;
}

double Discounted(const std::vector<double>& cumulative_purchases, const Periods& periods,
                  double spend, double monthly_discount_rate) {
  double value = 0.0;
  double discount = 1.0;
  for (std::size_t m = 1; m < cumulative_purchases.size(); ++m) {
    const double length = periods.lengths_months[m - 1];
    discount /=
        length == 1.0 ? 1.0 + monthly_discount_rate : std::pow(1.0 + monthly_discount_rate, length);
    value += (cumulative_purchases[m] - cumulative_purchases[m - 1]) * spend * discount;
  }
  return value;
}

ClvResult Heuristic(const ClvClient& client, const Periods& periods, const ClvOptions& options,
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
  std::vector<double> cumulative(periods.ends_days.size() + 1, 0.0);
  for (std::size_t m = 1; m < cumulative.size(); ++m) {
    cumulative[m] = monthly_purchases * (periods.ends_days[m - 1] / kDaysPerMonth);
  }
  estimate.expected_purchases = cumulative.back();
  estimate.clv_minor = RoundToMinorUnits(Discounted(
      cumulative, periods, estimate.expected_spend_per_purchase, options.monthly_discount_rate));
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
  const Periods& periods = CachedPeriodsOf(options);
  if (!model.has_purchase_model) {
    return Heuristic(client, periods, options, model.fallback_reason);
  }

  const std::vector<double> curve = BgNbdConditionalExpectedPurchasesCurve(
      model.purchase_model, client.history, periods.ends_days);
  std::vector<double> cumulative(periods.ends_days.size() + 1, 0.0);
  for (std::size_t m = 1; m < cumulative.size(); ++m) {
    cumulative[m] = curve[m - 1];
    if (!std::isfinite(cumulative[m])) {
      return Heuristic(
          client, periods, options,
          "BG/NBD expected purchases cannot be evaluated for this client (hypergeometric series)");
    }
  }

  ClvResult estimate;
  estimate.probability_alive = BgNbdProbabilityAlive(model.purchase_model, client.history);
  estimate.expected_purchases = cumulative.back();
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
      RoundToMinorUnits(Discounted(cumulative, periods, spend, options.monthly_discount_rate));
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
