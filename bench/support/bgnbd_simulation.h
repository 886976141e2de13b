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

// One simulated client's purchase days, counted in whole days from its first purchase's day.
struct SimulatedPurchaseDays {
  // The client's calibration length: days from the first purchase's day to the end of the
  // observation (BG/NBD's T), 365 to 1095.
  int observed_days = 0;
  // Each repeat purchase day (ascending, after day 0) with its spend in minor units, up to
  // observed_days + the extra days asked for (later ones are a holdout).
  std::vector<long> repeat_days;
  std::vector<double> repeat_spends;
};

// The same draws as Simulate, with each client followed `extra_days` past its observation
// (extra_days = 0 gives exactly Simulate's clients): the truth a holdout validation compares
// the model's predictions with (tests of EvaluateClvModel, reused rather than copied).
void SimulatePurchaseDays(std::size_t clients, const scoring::BgNbdParams& bg,
                          const scoring::GammaGammaParams& gg, std::uint64_t seed, int extra_days,
                          std::vector<SimulatedPurchaseDays>* purchases);

}  // namespace clienttier::bench
