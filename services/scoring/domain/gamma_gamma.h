#pragma once

#include <cstddef>
#include <vector>

#include "services/scoring/domain/bounded_minimizer.h"

// Gamma-Gamma model of spend per purchase occasion (Fader & Hardie 2013, "The Gamma-Gamma
// model of monetary value"). Money is in minor units, carried as double inside the model.

namespace clienttier::scoring {

// Spend per occasion z ~ Gamma(shape p, rate nu); across clients nu ~ Gamma(shape q, rate gamma).
// gamma carries the currency unit (minor units).
struct GammaGammaParams {
  double p = 0.0;
  double q = 0.0;
  double gamma = 0.0;
};

// One client's repeat spending, the first purchase day left out as in the literature.
struct SpendSummary {
  double x = 0.0;           // repeat purchase days, a whole number
  double mean_spend = 0.0;  // mean spend per repeat purchase day, minor units
};

// Log density of the observed mean spend given x (includes the Jacobian, so it integrates to 1
// over mean_spend). Requires x >= 1 and mean_spend > 0. gradient: d/d(p, q, gamma).
double GammaGammaLogLikelihood(const GammaGammaParams& params, const SpendSummary& client,
                               GammaGammaParams* gradient = nullptr);

// Sum over the eligible clients (x >= 1, mean_spend > 0) via the fit's compressed evaluator.
double GammaGammaTotalLogLikelihood(const GammaGammaParams& params,
                                    const std::vector<SpendSummary>& clients,
                                    GammaGammaParams* gradient = nullptr);

struct GammaGammaFitOptions {
  std::size_t min_clients = 20;  // eligible clients (x >= 1, positive spend); below: kTooLittleData
  MinimizerOptions minimizer;
};

// Maximum likelihood fit on the eligible clients; clients with x = 0 or zero spend are skipped
// (they carry no repeat-spend information), negative or non-finite values reject the input.
//  - Spend is divided by its mean m before fitting (gamma scales with the currency, p and q do
//    not), then gamma is scaled back, so the optimiser always sees O(1) numbers.
//  - Start: p = 2, q = 3, gamma = m, i.e. the population mean spend p gamma / (q - 1) = m.
//  - Bounds: p, q in [1e-4, 1e4] and gamma in [1e-6, 1e8] times m, for the same reasons as
//    BG/NBD; landing on one is reported kAtBound.
FitResult<GammaGammaParams> FitGammaGamma(const std::vector<SpendSummary>& clients,
                                          const GammaGammaFitOptions& options = {});

// E[spend per occasion | x, mean] = (p (gamma + x mean)) / (p x + q - 1), the credibility-weighted
// blend of the population mean p gamma / (q - 1) and the client's own mean. For x = 0 this is
// the population mean. NaN when p x + q <= 1 (the posterior mean does not exist).
double GammaGammaConditionalExpectedSpend(const GammaGammaParams& params,
                                          const SpendSummary& client);

// Population mean spend per occasion p gamma / (q - 1); NaN when q <= 1.
double GammaGammaMeanSpend(const GammaGammaParams& params);

}  // namespace clienttier::scoring
