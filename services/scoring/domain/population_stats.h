#pragma once

#include <cstdint>
#include <vector>

#include "services/scoring/domain/client_facts.h"
#include "services/scoring/domain/clv_estimate.h"
#include "services/scoring/domain/quadrant.h"
#include "services/scoring/domain/rfm.h"
#include "services/scoring/domain/scoring_config.h"

namespace clienttier::scoring {

// The population-relative parts of a tenant's scores, from its last batch run. Stored with
// its version so rescoring one client reuses them and agrees with its neighbours.
struct PopulationStats {
  int64_t version = 0;
  int64_t config_version = 0;
  Day as_of = kNever;
  int64_t client_count = 0;
  int64_t purchaser_count = 0;  // clients the breakpoints and cuts were computed over
  RfmBreakpoints rfm;
  QuadrantCuts quadrant;
};

// Quadrant value of a client: trailing-365-day revenue; potential: CLV minus that value.
int64_t QuadrantValueMinor(const ClientFacts& facts);
int64_t QuadrantPotentialMinor(const ClientFacts& facts, const ClvEstimate& clv);

// clv[i] belongs to facts[i]; throws std::invalid_argument when the sizes differ. Only clients
// that have purchased take part: a prospect has no RFM and no quadrant. The quadrant's value
// cut is among those with value in the window (trailing 365 days) only.
PopulationStats ComputePopulationStats(const std::vector<ClientFacts>& facts,
                                       const std::vector<ClvEstimate>& clv,
                                       const ScoringConfig& config, Day as_of, int64_t version);

// One part of a tenant read in parts (a batch's pages): clv[i] belongs to facts[i].
struct PopulationPart {
  const std::vector<ClientFacts>* facts = nullptr;
  const std::vector<ClvEstimate>* clv = nullptr;
};

// The same over a tenant held in parts, so a batch need not join a million clients into one
// vector first.
PopulationStats ComputePopulationStats(const std::vector<PopulationPart>& parts,
                                       const ScoringConfig& config, Day as_of, int64_t version);

}  // namespace clienttier::scoring
