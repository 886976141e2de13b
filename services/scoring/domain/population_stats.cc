#include "services/scoring/domain/population_stats.h"

#include <stdexcept>

namespace clienttier::scoring {

int64_t QuadrantValueMinor(const ClientFacts& facts) { return facts.spend_365d_minor; }

int64_t QuadrantPotentialMinor(const ClientFacts& facts, const ClvEstimate& clv) {
  return clv.clv_minor - QuadrantValueMinor(facts);
}

PopulationStats ComputePopulationStats(const std::vector<ClientFacts>& facts,
                                       const std::vector<ClvEstimate>& clv,
                                       const ScoringConfig& config, Day as_of, int64_t version) {
  return ComputePopulationStats(std::vector<PopulationPart>{PopulationPart{&facts, &clv}}, config,
                                as_of, version);
}

PopulationStats ComputePopulationStats(const std::vector<PopulationPart>& parts,
                                       const ScoringConfig& config, Day as_of, int64_t version) {
  size_t clients = 0;
  for (const PopulationPart& part : parts) {
    if (part.facts->size() != part.clv->size()) {
      throw std::invalid_argument(
          "one CLV estimate per client is required: " + std::to_string(part.facts->size()) +
          " clients, " + std::to_string(part.clv->size()) + " estimates");
    }
    clients += part.facts->size();
  }
  std::vector<RfmInput> rfm_inputs;
  std::vector<int64_t> values;
  std::vector<int64_t> potentials;
  rfm_inputs.reserve(clients);
  values.reserve(clients);
  potentials.reserve(clients);
  for (const PopulationPart& part : parts) {
    const std::vector<ClientFacts>& facts = *part.facts;
    const std::vector<ClvEstimate>& clv = *part.clv;
    for (size_t i = 0; i < facts.size(); ++i) {
      if (!HasPurchase(facts[i])) {
        continue;
      }
      rfm_inputs.push_back(RfmInputFromFacts(facts[i], config.rfm, as_of));
      // The value cut is taken among clients who paid in the value window: with the lapsed
      // ones counted (two thirds of a mature centre), the median was 0 and any recent buyer was
      // "high value". A client with no value in the window is low value whatever the cut.
      if (QuadrantValueMinor(facts[i]) > 0) {
        values.push_back(QuadrantValueMinor(facts[i]));
      }
      potentials.push_back(QuadrantPotentialMinor(facts[i], clv[i]));
    }
  }
  PopulationStats stats;
  stats.version = version;
  stats.config_version = config.version;
  stats.as_of = as_of;
  stats.client_count = static_cast<int64_t>(clients);
  stats.purchaser_count = static_cast<int64_t>(rfm_inputs.size());
  stats.rfm = ComputeRfmBreakpoints(rfm_inputs, config.rfm);
  stats.quadrant = ComputeQuadrantCuts(values, potentials, config.quadrant.value_percentile,
                                       config.quadrant.potential_percentile);
  return stats;
}

}  // namespace clienttier::scoring
