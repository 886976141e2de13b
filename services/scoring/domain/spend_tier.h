#pragma once

#include <cstdint>

#include "services/scoring/domain/client_facts.h"
#include "services/scoring/domain/scoring_config.h"

namespace clienttier::scoring {

enum class SpendTier {
  kUnspecified = 0,
  kNone = 1,  // never purchased
  kBasic = 2,
  kGrowth = 3,
  kPremium = 4,
};
const char* Name(SpendTier tier);

// Average monthly spend = spend in the trailing window / months the client existed in that
// window, where a month is 365/12 days (so the 365-day window is exactly 12 months) and never
// less than one: a client whose first purchase was yesterday is judged on what it spent, not
// on thirty times that. Exposure days count the first purchase day:
//   exposure_days = min(window_days, as_of - first_purchase_day + 1)
//   average       = spend * 365 / max(365, 12 * exposure_days)
// Comparisons against the tier limits are made exactly, in integers.
int64_t ExposureDays(Day first_purchase_day, Day as_of, int64_t window_days);

// Rounded down; for explanations. The tier itself is decided exactly by ClassifySpendTier.
int64_t AverageMonthlySpendMinor(int64_t window_spend_minor, int64_t exposure_days);

// basic: average <= basic_max; growth: <= growth_max; premium: above.
SpendTier ClassifySpendTier(int64_t window_spend_minor, int64_t exposure_days,
                            const SpendTierConfig& config);

// kNone when the client never purchased; the window is config.rfm.window_days.
SpendTier SpendTierFor(const ClientFacts& facts, const ScoringConfig& config, Day as_of);

}  // namespace clienttier::scoring
