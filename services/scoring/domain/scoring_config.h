#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "services/scoring/domain/propagation.h"

namespace clienttier::scoring {

// Every rule parameter a tenant may change. Defaults are DESIGN.md's bracketed values; the
// member names follow clienttier.scoring.v1.ScoringConfig so a validation problem names the
// field the caller sent ("config.tiers.t1_min_score").
struct RfmConfig {
  // Frequency and monetary count the trailing window; scoring keeps 30/90/365-day aggregates,
  // so only those lengths are possible.
  int64_t window_days = 365;
  int64_t bins = 5;  // 4 or 5
  // Empty: quantile cuts within the tenant. Set (all three): fixed cuts, bins - 1 strictly
  // ascending values per dimension. A cut is the inclusive
  // upper edge of a bin: with recency cuts {30, 90, 180, 365}, 30 days scores R=5, 31 scores 4,
  // and over 365 scores 1; with frequency cuts {1, 2, 4, 8}, 1 purchase scores F=1, 9 scores 5.
  std::vector<int64_t> recency_cuts_days;
  std::vector<int64_t> frequency_cuts;
  std::vector<int64_t> monetary_cuts_minor;
};

// Average monthly spend in minor units: basic up to and including basic_max, growth up to and
// including growth_max, premium above.
struct SpendTierConfig {
  int64_t basic_max_monthly_minor = 30'000;
  int64_t growth_max_monthly_minor = 100'000;
};

// Paid occasions: one is light, moderate_min_sessions.. is moderate, deep_min_sessions or more
// (or deep_min_active_months distinct months with a purchase) is deep.
struct NeedDepthConfig {
  int64_t moderate_min_sessions = 2;
  int64_t deep_min_sessions = 4;
  int64_t deep_min_active_months = 3;
};

struct LifecycleConfig {
  int64_t onboarding_months = 3;  // onboarding while the first purchase is < this ago
  int64_t growth_months = 12;     // growth up to exactly this; mature once it is > this ago
  int64_t dormant_days = 90;      // no activity for >= this: dormant
  int64_t churned_days = 365;     // no activity for >= this: churned
  double churned_p_alive = 0.2;   // or P(alive) strictly below this: churned
};

struct ClvConfig {
  // The horizon: exactly one of the two is positive. Months are of kDaysPerMonth (30.4375)
  // days; days serve horizons that are not whole months (39 weeks = 273 days).
  int64_t horizon_months = 12;
  int64_t horizon_days = 0;
  // A rate per month in [0, 1): 0.01 = 1%, as the proto carries it.
  double monthly_discount_rate = 0.01;
  // Below these a tenant's models are not fitted and the documented heuristic is used.
  int64_t min_clients_to_fit = 100;
  int64_t min_repeat_buyers_to_fit = 30;
};

// Value and potential are each split at their percentile, in (0, 100).
struct QuadrantConfig {
  double value_percentile = 50.0;
  double potential_percentile = 50.0;
};

// Each in [0, 1], summing to 1.
struct CompositeConfig {
  double consumption_weight = 0.6;
  double need_depth_weight = 0.25;
  double propagation_weight = 0.15;
};

// Composite score (0..100) at or above t1_min_score is T1, at or above t2_min_score T2,
// below it T3. A demotion happens when the score is strictly below the held tier's threshold
// minus demotion_margin points, or has stayed below the threshold for demotion_grace_days.
struct TierConfig {
  double t1_min_score = 70.0;
  double t2_min_score = 40.0;
  double demotion_margin = 5.0;
  int64_t demotion_grace_days = 30;
};

// T1/T2 clients are flagged when P(alive) is strictly below p_alive_below or they have been
// inactive for inactive_days days or more.
struct ChurnWarningConfig {
  double p_alive_below = 0.3;
  int64_t inactive_days = 60;
};

struct ScoringConfig {
  int64_t version = 0;  // 0: the built-in defaults; stored versions count from 1
  RfmConfig rfm;
  SpendTierConfig spend_tier;
  NeedDepthConfig need_depth;
  LifecycleConfig lifecycle;
  PropagationConfig propagation;
  ClvConfig clv;
  QuadrantConfig quadrant;
  CompositeConfig composite;
  TierConfig tiers;
  ChurnWarningConfig churn_warning;
};

// Fixed cut points are in use when any list is set (validation then wants all three).
bool UsesFixedCuts(const RfmConfig& rfm);

ScoringConfig DefaultScoringConfig();

// Upper bounds of the numeric fields (the lower bounds are in the rules themselves). Each is
// generous for a real tenant and keeps every rescore bounded: the CLV horizon sizes per-client
// work and buffers (one entry per month), and day and month counts are turned into dates.
inline constexpr int64_t kMaxRecencyCutDays = 36'500;             // 100 years
inline constexpr int64_t kMaxFrequencyCut = 100'000;              // purchases
inline constexpr int64_t kMaxMoneyMinor = 1'000'000'000'000'000;  // 10^15 minor units
inline constexpr int64_t kMaxModerateMinSessions = 1'000;         // sessions
inline constexpr int64_t kMaxDeepMinSessions = 10'000;            // sessions
inline constexpr int64_t kMaxDeepMinActiveMonths = 240;           // 20 years
inline constexpr int64_t kMaxOnboardingMonths = 120;              // 10 years
inline constexpr int64_t kMaxGrowthMonths = 240;                  // 20 years
inline constexpr int64_t kMaxDormantDays = 3'650;                 // 10 years
inline constexpr int64_t kMaxChurnedDays = 7'300;                 // 20 years
inline constexpr int64_t kMaxSpreaderMinConverted = 1'000;        // referrals
inline constexpr int64_t kMaxClvHorizonMonths = 120;              // 10 years
inline constexpr int64_t kMaxClvHorizonDays = 3'653;              // 10 years
inline constexpr double kMaxMonthlyDiscountRate = 0.2;            // 20% a month
inline constexpr int64_t kMaxMinClientsToFit = 10'000'000;        // clients
inline constexpr int64_t kMaxDemotionGraceDays = 730;             // 2 years
inline constexpr int64_t kMaxChurnWarningInactiveDays = 3'650;    // 10 years

// One broken rule: the proto field path and the rule, as INVALID_ARGUMENT reports them.
struct ConfigProblem {
  std::string field;
  std::string rule;
};

inline constexpr double kWeightSumTolerance = 1e-9;

// Every problem at once, so a tenant fixes a config in one round trip. Empty means valid.
std::vector<ConfigProblem> ValidateScoringConfig(const ScoringConfig& config);

}  // namespace clienttier::scoring
