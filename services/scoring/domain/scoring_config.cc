#include "services/scoring/domain/scoring_config.h"

#include <cmath>

namespace clienttier::scoring {
namespace {

const char* const kPrefix = "config.";

class ProblemList {
 public:
  void Add(const std::string& field, const std::string& rule) {
    problems_.push_back(ConfigProblem{kPrefix + field, rule});
  }
  std::vector<ConfigProblem> Take() { return std::move(problems_); }

 private:
  std::vector<ConfigProblem> problems_;
};

// Range checks are written as "not inside" so NaN, which compares false with everything, is
// rejected too.
bool InClosedRange(double value, double low, double high) { return value >= low && value <= high; }

// The upper-bound rule, with the unit, as the proto comment documents it.
void CheckAtMost(int64_t value, int64_t max, const std::string& field, const char* unit,
                 ProblemList& problems) {
  if (value > max) {
    problems.Add(field, "must be at most " + std::to_string(max) + " (" + unit + ")");
  }
}

void ValidateCuts(const std::vector<int64_t>& cuts, const std::string& field, int64_t max,
                  const char* unit, const RfmConfig& rfm, ProblemList& problems) {
  if (!UsesFixedCuts(rfm) || (rfm.bins != 4 && rfm.bins != 5)) {
    return;  // quantile mode, or a count that cannot be judged against an invalid bin count
  }
  if (static_cast<int64_t>(cuts.size()) != rfm.bins - 1) {
    problems.Add(field, "must have bins - 1 = " + std::to_string(rfm.bins - 1) + " values");
    return;
  }
  if (cuts.front() < 0) {
    problems.Add(field, "must not be negative");
  }
  // Ascending, so the last cut is the largest.
  CheckAtMost(cuts.back(), max, field, unit, problems);
  for (size_t i = 1; i < cuts.size(); ++i) {
    if (cuts[i] <= cuts[i - 1]) {
      problems.Add(field, "must be strictly ascending");
      return;
    }
  }
}

void ValidateRfm(const RfmConfig& rfm, ProblemList& problems) {
  if (rfm.window_days != 30 && rfm.window_days != 90 && rfm.window_days != 365) {
    problems.Add("rfm.window_days", "must be 30, 90 or 365");
  }
  if (rfm.bins != 4 && rfm.bins != 5) {
    problems.Add("rfm.bins", "must be 4 or 5");
  }
  ValidateCuts(rfm.recency_cuts_days, "rfm.recency_cuts_days", kMaxRecencyCutDays, "days", rfm,
               problems);
  ValidateCuts(rfm.frequency_cuts, "rfm.frequency_cuts", kMaxFrequencyCut, "purchases", rfm,
               problems);
  ValidateCuts(rfm.monetary_cuts_minor, "rfm.monetary_cuts_minor", kMaxMoneyMinor, "minor units",
               rfm, problems);
}

void ValidateSpendTier(const SpendTierConfig& spend, ProblemList& problems) {
  if (spend.basic_max_monthly_minor <= 0) {
    problems.Add("spend_tier.basic_max_monthly_minor", "must be positive");
  }
  if (spend.growth_max_monthly_minor <= spend.basic_max_monthly_minor) {
    problems.Add("spend_tier.growth_max_monthly_minor",
                 "must be greater than basic_max_monthly_minor");
  }
  CheckAtMost(spend.growth_max_monthly_minor, kMaxMoneyMinor, "spend_tier.growth_max_monthly_minor",
              "minor units a month", problems);
}

void ValidateNeedDepth(const NeedDepthConfig& depth, ProblemList& problems) {
  if (depth.moderate_min_sessions < 2) {
    problems.Add("need_depth.moderate_min_sessions", "must be at least 2 (one session is light)");
  }
  CheckAtMost(depth.moderate_min_sessions, kMaxModerateMinSessions,
              "need_depth.moderate_min_sessions", "sessions", problems);
  if (depth.deep_min_sessions <= depth.moderate_min_sessions) {
    problems.Add("need_depth.deep_min_sessions", "must be greater than moderate_min_sessions");
  }
  CheckAtMost(depth.deep_min_sessions, kMaxDeepMinSessions, "need_depth.deep_min_sessions",
              "sessions", problems);
  if (depth.deep_min_active_months <= 0) {
    problems.Add("need_depth.deep_min_active_months", "must be positive");
  }
  CheckAtMost(depth.deep_min_active_months, kMaxDeepMinActiveMonths,
              "need_depth.deep_min_active_months", "months", problems);
}

void ValidateLifecycle(const LifecycleConfig& lifecycle, ProblemList& problems) {
  if (lifecycle.onboarding_months <= 0) {
    problems.Add("lifecycle.onboarding_months", "must be positive");
  }
  CheckAtMost(lifecycle.onboarding_months, kMaxOnboardingMonths, "lifecycle.onboarding_months",
              "months", problems);
  if (lifecycle.growth_months < lifecycle.onboarding_months) {
    problems.Add("lifecycle.growth_months", "must not be less than onboarding_months");
  }
  CheckAtMost(lifecycle.growth_months, kMaxGrowthMonths, "lifecycle.growth_months", "months",
              problems);
  if (lifecycle.dormant_days <= 0) {
    problems.Add("lifecycle.dormant_days", "must be positive");
  }
  CheckAtMost(lifecycle.dormant_days, kMaxDormantDays, "lifecycle.dormant_days", "days", problems);
  if (lifecycle.churned_days <= lifecycle.dormant_days) {
    problems.Add("lifecycle.churned_days", "must be greater than dormant_days");
  }
  CheckAtMost(lifecycle.churned_days, kMaxChurnedDays, "lifecycle.churned_days", "days", problems);
  if (!(lifecycle.churned_p_alive >= 0.0 && lifecycle.churned_p_alive < 1.0)) {
    problems.Add("lifecycle.churned_p_alive", "must be in [0, 1)");
  }
}

void ValidateClv(const ClvConfig& clv, ProblemList& problems) {
  // Exactly one horizon: with both set, which one applies would be a guess.
  if (clv.horizon_days != 0 && clv.horizon_months != 0) {
    problems.Add("clv.horizon_days", "must be 0 when horizon_months is set (set exactly one)");
  } else if (clv.horizon_days < 0) {
    problems.Add("clv.horizon_days", "must be positive");
  } else if (clv.horizon_days == 0 && clv.horizon_months <= 0) {
    problems.Add("clv.horizon_months", "must be positive");
  }
  CheckAtMost(clv.horizon_days, kMaxClvHorizonDays, "clv.horizon_days", "days; 10 years", problems);
  // Each rescore projects the horizon month by month: the bound keeps that work and its buffers
  // small (an unbounded horizon made every rescore allocate gigabytes).
  CheckAtMost(clv.horizon_months, kMaxClvHorizonMonths, "clv.horizon_months", "months; 10 years",
              problems);
  if (!(clv.monthly_discount_rate >= 0.0 && clv.monthly_discount_rate < 1.0)) {
    problems.Add("clv.monthly_discount_rate", "must be in [0, 1)");
  } else if (clv.monthly_discount_rate > kMaxMonthlyDiscountRate) {
    problems.Add("clv.monthly_discount_rate", "must be at most 0.2 (a rate per month; 0.2 = 20%)");
  }
  if (clv.min_clients_to_fit <= 0) {
    problems.Add("clv.min_clients_to_fit", "must be positive");
  }
  CheckAtMost(clv.min_clients_to_fit, kMaxMinClientsToFit, "clv.min_clients_to_fit", "clients",
              problems);
  if (clv.min_repeat_buyers_to_fit <= 0) {
    problems.Add("clv.min_repeat_buyers_to_fit", "must be positive");
  } else if (clv.min_clients_to_fit > 0 && clv.min_repeat_buyers_to_fit > clv.min_clients_to_fit) {
    problems.Add("clv.min_repeat_buyers_to_fit", "must not exceed min_clients_to_fit");
  }
}

void ValidateQuadrant(const QuadrantConfig& quadrant, ProblemList& problems) {
  if (!(quadrant.value_percentile > 0.0 && quadrant.value_percentile < 100.0)) {
    problems.Add("quadrant.value_percentile", "must be in (0, 100)");
  }
  if (!(quadrant.potential_percentile > 0.0 && quadrant.potential_percentile < 100.0)) {
    problems.Add("quadrant.potential_percentile", "must be in (0, 100)");
  }
}

void ValidateComposite(const CompositeConfig& composite, ProblemList& problems) {
  bool each_valid = true;
  const auto check = [&](double weight, const char* field) {
    if (!InClosedRange(weight, 0.0, 1.0)) {
      problems.Add(field, "must be in [0, 1]");
      each_valid = false;
    }
  };
  check(composite.consumption_weight, "composite.consumption_weight");
  check(composite.need_depth_weight, "composite.need_depth_weight");
  check(composite.propagation_weight, "composite.propagation_weight");
  const double sum =
      composite.consumption_weight + composite.need_depth_weight + composite.propagation_weight;
  // The sum cannot be judged from an invalid weight; that problem is reported already.
  if (each_valid && std::fabs(sum - 1.0) > kWeightSumTolerance) {
    problems.Add("composite", "weights must sum to 1");
  }
}

void ValidateTiers(const TierConfig& tiers, ProblemList& problems) {
  if (!(tiers.t1_min_score > 0.0 && tiers.t1_min_score <= 100.0)) {
    problems.Add("tiers.t1_min_score", "must be in (0, 100]");
  }
  if (!(tiers.t2_min_score > 0.0 && tiers.t2_min_score < 100.0)) {
    problems.Add("tiers.t2_min_score", "must be in (0, 100)");
  }
  if (!(tiers.t1_min_score > tiers.t2_min_score)) {
    problems.Add("tiers.t1_min_score", "must be greater than t2_min_score");
  }
  if (!(tiers.demotion_margin >= 0.0 && tiers.demotion_margin < 100.0)) {
    problems.Add("tiers.demotion_margin", "must be in [0, 100)");
  }
  if (tiers.demotion_grace_days < 0) {
    problems.Add("tiers.demotion_grace_days", "must not be negative");
  }
  CheckAtMost(tiers.demotion_grace_days, kMaxDemotionGraceDays, "tiers.demotion_grace_days", "days",
              problems);
}

void ValidateChurnWarning(const ChurnWarningConfig& warning, ProblemList& problems) {
  if (!(warning.p_alive_below > 0.0 && warning.p_alive_below < 1.0)) {
    problems.Add("churn_warning.p_alive_below", "must be in (0, 1)");
  }
  if (warning.inactive_days <= 0) {
    problems.Add("churn_warning.inactive_days", "must be positive");
  }
  CheckAtMost(warning.inactive_days, kMaxChurnWarningInactiveDays, "churn_warning.inactive_days",
              "days", problems);
}

}  // namespace

bool UsesFixedCuts(const RfmConfig& rfm) {
  return !rfm.recency_cuts_days.empty() || !rfm.frequency_cuts.empty() ||
         !rfm.monetary_cuts_minor.empty();
}

ScoringConfig DefaultScoringConfig() { return ScoringConfig{}; }

std::vector<ConfigProblem> ValidateScoringConfig(const ScoringConfig& config) {
  ProblemList problems;
  if (config.version < 0) {
    problems.Add("version", "must not be negative");
  }
  ValidateRfm(config.rfm, problems);
  ValidateSpendTier(config.spend_tier, problems);
  ValidateNeedDepth(config.need_depth, problems);
  ValidateLifecycle(config.lifecycle, problems);
  if (config.propagation.spreader_min_converted <= 0) {
    problems.Add("propagation.spreader_min_converted", "must be positive");
  }
  CheckAtMost(config.propagation.spreader_min_converted, kMaxSpreaderMinConverted,
              "propagation.spreader_min_converted", "converted referrals", problems);
  ValidateClv(config.clv, problems);
  ValidateQuadrant(config.quadrant, problems);
  ValidateComposite(config.composite, problems);
  ValidateTiers(config.tiers, problems);
  ValidateChurnWarning(config.churn_warning, problems);
  return problems.Take();
}

}  // namespace clienttier::scoring
