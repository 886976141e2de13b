#pragma once

#include <cstddef>
#include <vector>

#include "services/scoring/domain/bounded_minimizer.h"

// BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005, "Counting your customers the
// easy way"). Time is in days from the client's first purchase. Pure math, no I/O.

namespace clienttier::scoring {

// Purchase rate lambda ~ Gamma(shape r, rate alpha) [alpha in days]; dropout probability after
// each repeat purchase p ~ Beta(a, b).
struct BgNbdParams {
  double r = 0.0;
  double alpha = 0.0;
  double a = 0.0;
  double b = 0.0;
};

// One client's history as BG/NBD sees it.
struct RepeatSummary {
  double x = 0.0;    // repeat purchase days (distinct purchase days - 1); a whole number >= 0
  double t_x = 0.0;  // days from the first purchase to the last one (0 when x == 0)
  double T = 0.0;    // days from the first purchase to the end of observation; t_x <= T
};

// Per-client log-likelihood ln L(r, alpha, a, b | x, t_x, T); when gradient is non-null it
// receives d lnL / d(r, alpha, a, b) in the same struct shape.
double BgNbdLogLikelihood(const BgNbdParams& params, const RepeatSummary& client,
                          BgNbdParams* gradient = nullptr);

// Sum over clients via the compressed evaluator the fit uses (grouped identical histories and
// per-distinct-value tables); gradient as above. Clients must be valid (see FitBgNbd).
double BgNbdTotalLogLikelihood(const BgNbdParams& params, const std::vector<RepeatSummary>& clients,
                               BgNbdParams* gradient = nullptr);

struct BgNbdFitOptions {
  std::size_t min_clients = 50;        // below this: kTooLittleData
  std::size_t min_repeat_buyers = 10;  // clients with x >= 1; below this: kTooLittleData
  MinimizerOptions minimizer;
  // Above this many distinct histories each likelihood evaluation is split over two threads.
  std::size_t parallel_min_groups = 20000;
};

// Maximum likelihood fit. Never throws; see FitStatus for the outcomes.
//  - Start: r = 1, a = 1, b = 1, alpha = 1 / (sum x / sum T), i.e. the rate prior's mean equals
//    the pooled repeat rate; the fit runs over log-parameters so positivity is automatic.
//  - Bounds: r, a, b in [1e-4, 1e4]; alpha in [1e-4, 1e4] times the mean T (alpha is a time
//    scale). Past these the model has degenerated into a limiting case (a point mass or a
//    homogeneous population) and the lgamma/exp arithmetic loses precision; a fit that lands on
//    a bound is reported kAtBound rather than kConverged.
FitResult<BgNbdParams> FitBgNbd(const std::vector<RepeatSummary>& clients,
                                const BgNbdFitOptions& options = {});

// P(alive at T | x, t_x, T); 1 for clients without a repeat purchase (the model's assumption
// that dropout happens only right after a repeat purchase).
double BgNbdProbabilityAlive(const BgNbdParams& params, const RepeatSummary& client);

// E[X(t) | x, t_x, T]: expected repeat purchase days in (T, T + t], by FHL's closed form with
// 2F1 (analytic continuation covers a < 1 and a + b < 1). NaN for t < 0, or when the series
// does not converge within its term cap (t / (alpha + T) above ~ 10^4).
double BgNbdConditionalExpectedPurchases(const BgNbdParams& params, const RepeatSummary& client,
                                         double t);
// The same for several horizons t (days) at once, sharing one hypergeometric pass; each entry
// equals the single-horizon value.
std::vector<double> BgNbdConditionalExpectedPurchasesCurve(const BgNbdParams& params,
                                                           const RepeatSummary& client,
                                                           const std::vector<double>& horizons);

// E[X(t)] for a client just acquired (repeat purchases in (0, t]); NaN as above.
double BgNbdExpectedPurchases(const BgNbdParams& params, double t);

}  // namespace clienttier::scoring
