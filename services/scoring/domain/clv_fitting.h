#pragma once

#include <string>
#include <vector>

#include "services/scoring/domain/bg_nbd.h"
#include "services/scoring/domain/client_facts.h"
#include "services/scoring/domain/gamma_gamma.h"
#include "services/scoring/domain/scoring_config.h"

namespace clienttier::scoring {

// A tenant's BG/NBD and Gamma-Gamma fits on its clients' facts as of one day.
struct ClvFits {
  FitResult<BgNbdParams> purchase;
  FitResult<GammaGammaParams> spend;
  // Why clients were left out of Gamma-Gamma for want of an exchange rate, naming the
  // currencies; empty when none was.
  std::string unconverted_note;
};

// Fits both models on `facts` (built as of `as_of`), with the tenant's minimum sizes: the one
// fit FitClvModel stores and EvaluateClvModel checks against a holdout. Every buyer counts for
// BG/NBD (purchase timing needs no currency); a client whose spend is partly unconverted would
// bias the spend model, so Gamma-Gamma leaves it out and `unconverted_note` says so.
ClvFits FitClvModels(const std::vector<ClientFacts>& facts, Day as_of, const ClvConfig& config,
                     const std::string& reporting_currency);

}  // namespace clienttier::scoring
