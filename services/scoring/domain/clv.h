#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "services/scoring/domain/bg_nbd.h"
#include "services/scoring/domain/bounded_minimizer.h"
#include "services/scoring/domain/clv_estimate.h"
#include "services/scoring/domain/gamma_gamma.h"

// Customer lifetime value over a horizon of months: BG/NBD expected purchases x Gamma-Gamma
// expected spend, discounted monthly; or a documented heuristic when the tenant's fits are not
// usable. Pure math, no I/O.

namespace clienttier::scoring {

inline constexpr double kDaysPerMonth = 30.4375;  // 365.25 / 12

struct ClvClient {
  RepeatSummary history;           // days, as for BG/NBD
  double mean_repeat_spend = 0.0;  // minor units per repeat purchase day; 0 without repeats
  double mean_spend = 0.0;         // minor units per purchase day over all purchase days
};

struct ClvOptions {
  int horizon_months = 12;
  // When positive, the horizon in days instead of horizon_months: whole months of kDaysPerMonth
  // and a last, shorter period cut at the horizon (see EstimateClv).
  int horizon_days = 0;
  double monthly_discount_rate = 0.01;
  // Heuristic only: the assumed gap between purchases for a client with a single purchase day.
  double default_gap_days = 365.0;
};

// The tenant's fitted models, each present only when its fit is usable (kConverged).
struct ClvModel {
  bool has_purchase_model = false;
  BgNbdParams purchase_model;
  bool has_spend_model = false;
  GammaGammaParams spend_model;
  std::string fallback_reason;  // why a model is missing; empty when both are present
};

ClvModel SelectClvModel(const FitResult<BgNbdParams>& purchase_fit,
                        const FitResult<GammaGammaParams>& spend_fit);

inline constexpr char kClvMethodModel[] = "bg_nbd+gamma_gamma";
inline constexpr char kClvMethodModelWithClientSpend[] = "bg_nbd+client_mean_spend";
inline constexpr char kClvMethodHeuristic[] = "heuristic";
inline constexpr char kClvMethodInvalidInput[] = "invalid_input";

// The full computation, with the double-precision figures and the fallback reason; scoring rules
// consume the narrower ClvEstimate (clv_estimate.h) made from it by ToClvEstimate.
struct ClvResult {
  std::int64_t clv_minor = 0;       // discounted, rounded half away from zero, clamped
  double expected_purchases = 0.0;  // repeat purchase days over the horizon, undiscounted
  double probability_alive = 0.0;
  double expected_spend_per_purchase = 0.0;  // minor units
  bool heuristic = false;                    // true unless both models produced the figure
  // One of the kClvMethod* constants (a view of it: a batch computes a million of these, and
  // a copied name would be a heap allocation each).
  std::string_view method;
  std::string reason;  // why a fallback was taken; empty otherwise
};

// CLV = sum over months m = 1..H of (E[X(m M)] - E[X((m-1) M)]) * spend / (1 + d)^m with
// M = kDaysPerMonth and E the conditional expected purchases given the client's history.
// A horizon of D days (options.horizon_days) runs the same sum over the whole months up to D
// and one last period ending at D, discounted by (1 + d)^(D / M): 39 weeks are 8 months and
// 29.5 days. A horizon of H months and one of H x M days give the same figure.
//
// Heuristic (used when the BG/NBD model is missing or cannot be evaluated for this client):
//   gap       = t_x / x for repeat buyers (at least 1 day), else options.default_gap_days
//   P(alive)  = exp(-max(0, recency / gap - 1)), recency = T - t_x: a client is taken as alive
//               while the silence is within the usual gap, then fades by e per further gap
//   purchases = P(alive) * M / gap per month, flat over the horizon
//   spend     = the client's mean repeat spend, else its mean spend
// When only the spend model is missing, BG/NBD purchases are used with the client's own mean
// spend, and the estimate is still flagged heuristic.
ClvResult EstimateClv(const ClvClient& client, const ClvModel& model,
                      const ClvOptions& options = {});

// The scoring rules' view: spend rounded to minor units; an invalid input becomes "no estimate"
// (empty method), as clv_estimate.h defines.
ClvEstimate ToClvEstimate(const ClvResult& result);

// Rounds half away from zero and clamps to the int64 range; NaN becomes 0.
std::int64_t RoundToMinorUnits(double value);

}  // namespace clienttier::scoring
