#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "services/scoring/domain/bg_nbd.h"
#include "services/scoring/domain/gamma_gamma.h"

namespace clienttier::bench {

// Continuous-time BG/NBD purchases and Gamma-Gamma spend, reported in whole days as the
// service sees them (x = distinct purchase days - 1); same generator as clv_recovery_test.
void Simulate(std::size_t clients, const scoring::BgNbdParams& bg,
              const scoring::GammaGammaParams& gg, std::uint64_t seed,
              std::vector<scoring::RepeatSummary>* histories,
              std::vector<scoring::SpendSummary>* spends);

}  // namespace clienttier::bench
