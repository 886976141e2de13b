#include "services/scoring/domain/spend_tier.h"

#include <algorithm>

#include "services/scoring/domain/rfm.h"

namespace clienttier::scoring {
namespace {

constexpr int64_t kDaysPerYear = 365;
constexpr int64_t kMonthsPerYear = 12;

// Denominator of the average in twelfths of a day: average = spend * 365 / this.
int64_t MonthDenominator(int64_t exposure_days) {
  return std::max(kDaysPerYear, kMonthsPerYear * std::max<int64_t>(exposure_days, 1));
}

bool AverageAtMost(int64_t spend_minor, int64_t exposure_days, int64_t limit_minor) {
  return spend_minor * kDaysPerYear <= limit_minor * MonthDenominator(exposure_days);
}

}  // namespace

const char* Name(SpendTier tier) {
  switch (tier) {
    case SpendTier::kUnspecified:
      return "unspecified";
    case SpendTier::kNone:
      return "none";
    case SpendTier::kBasic:
      return "basic";
    case SpendTier::kGrowth:
      return "growth";
    case SpendTier::kPremium:
      return "premium";
  }
  return "unspecified";
}

int64_t ExposureDays(Day first_purchase_day, Day as_of, int64_t window_days) {
  return std::clamp<int64_t>(as_of - first_purchase_day + 1, 1, window_days);
}

int64_t AverageMonthlySpendMinor(int64_t window_spend_minor, int64_t exposure_days) {
  return window_spend_minor * kDaysPerYear / MonthDenominator(exposure_days);
}

SpendTier ClassifySpendTier(int64_t window_spend_minor, int64_t exposure_days,
                            const SpendTierConfig& config) {
  if (AverageAtMost(window_spend_minor, exposure_days, config.basic_max_monthly_minor)) {
    return SpendTier::kBasic;
  }
  if (AverageAtMost(window_spend_minor, exposure_days, config.growth_max_monthly_minor)) {
    return SpendTier::kGrowth;
  }
  return SpendTier::kPremium;
}

SpendTier SpendTierFor(const ClientFacts& facts, const ScoringConfig& config, Day as_of) {
  if (!HasPurchase(facts)) {
    return SpendTier::kNone;
  }
  const RfmInput window = RfmInputFromFacts(facts, config.rfm, as_of);
  const Day first_day =
      facts.first_purchase_day == kNever ? facts.last_purchase_day : facts.first_purchase_day;
  return ClassifySpendTier(window.monetary_minor,
                           ExposureDays(first_day, as_of, config.rfm.window_days),
                           config.spend_tier);
}

}  // namespace clienttier::scoring
