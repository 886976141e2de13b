#pragma once

#include <string>
#include <vector>

#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "common/time/utc_time.h"
#include "services/scoring/domain/bg_nbd.h"
#include "services/scoring/domain/client_facts.h"
#include "services/scoring/domain/clv.h"
#include "services/scoring/domain/clv_fitting.h"
#include "services/scoring/domain/exchange_rates.h"
#include "services/scoring/domain/gamma_gamma.h"
#include "services/scoring/domain/score.h"
#include "services/scoring/domain/tier_distribution.h"

namespace clienttier::scoring {

namespace v1 = ::clienttier::scoring::v1;

// Between the domain structs and the public protos. Enum numbers are the same on both sides
// (checked by static_asserts in the .cc).

ScoringConfig ConfigFromProto(const v1::ScoringConfig& proto);
v1::ScoringConfig ConfigToProto(const ScoringConfig& config, const std::string& currency);
// The rules plus the currency check; throws InvalidArgument naming every broken field.
void ValidateConfigProto(const v1::ScoringConfig& proto);

// Stored exchange-rate rows as the conversion reads them (effective_from as a model day).
std::vector<ExchangeRate> ExchangeRatesFromProto(const std::vector<v1::ExchangeRate>& rows);

PopulationStats PopulationFromProto(const v1::PopulationStats& proto);
// `currency`: the reporting currency of the money cuts.
v1::PopulationStats PopulationToProto(const PopulationStats& stats, UnixMicros computed_at,
                                      const std::string& currency);

// The fitted models a stored ClvModel describes; no model (heuristic CLV) when it is absent or
// its fits were not usable.
ClvModel ClvModelFromProto(const v1::ClvModel* proto);
// Each parameter with its unit (FittedParameter.unit); Gamma-Gamma's gamma is in minor units of
// `currency`.
v1::ModelFit BgNbdFitToProto(const FitResult<BgNbdParams>& fit);
v1::ModelFit GammaGammaFitToProto(const FitResult<GammaGammaParams>& fit,
                                  const std::string& currency);
// FitClvModel's answer for both fits on the activity up to `as_of` (version 0, fitted_at
// `fitted_at`; the repository numbers a stored one), with the exchange-rate note in
// gamma_gamma's message: one mapping for the stored fit and the as-of one.
v1::ClvModel ClvModelToProto(const ClvFits& fits, const std::string& currency, Day as_of,
                             UnixMicros fitted_at);

v1::Tier TierToProto(Tier tier);
Tier TierFromProto(v1::Tier tier);

struct ScoreContext {
  std::string currency;
  int64_t model_version = 0;
  UnixMicros as_of = 0;
};
v1::Score ScoreToProto(const ClientScore& score, const ClientFacts& facts,
                       const ScoreContext& context);

// GetTierDistribution's figures (tiers 1..3 with revenue in `currency`, Pareto points, the
// four quadrants, the six lifecycle stages and the RFM segments by name).
v1::TierDistribution DistributionToProto(const TierDistributionTally& tally,
                                         const std::string& currency);

}  // namespace clienttier::scoring
