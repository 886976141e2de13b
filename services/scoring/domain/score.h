#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/scoring/domain/churn_warning.h"
#include "services/scoring/domain/client_facts.h"
#include "services/scoring/domain/clv_estimate.h"
#include "services/scoring/domain/composite_score.h"
#include "services/scoring/domain/lifecycle.h"
#include "services/scoring/domain/need_depth.h"
#include "services/scoring/domain/population_stats.h"
#include "services/scoring/domain/propagation.h"
#include "services/scoring/domain/quadrant.h"
#include "services/scoring/domain/rfm.h"
#include "services/scoring/domain/scoring_config.h"
#include "services/scoring/domain/spend_tier.h"
#include "services/scoring/domain/tiering.h"

namespace clienttier::scoring {

struct ExplanationInput {
  std::string name;   // the ClientFacts / CLV field, e.g. "spend_365d_minor"
  std::string value;  // as text
};

// One dimension's share of the composite: points = weight * sub_score.
struct Contribution {
  std::string dimension;  // "consumption", "need_depth", "propagation"
  double sub_score = 0.0;
  double weight = 0.0;
  double points = 0.0;
};

struct Explanation {
  // False for a score computed without its explanation (ScoreDetail::kScoreOnly): inputs and
  // rules stay empty, contributions are still filled.
  bool enabled = true;
  std::vector<ExplanationInput> inputs;
  std::vector<Contribution> contributions;
  // Each rule as applied: breakpoints used, thresholds crossed, e.g.
  // "spend_tier: average monthly spend 25000 <= basic_max_monthly_minor 30000 -> basic".
  std::vector<std::string> rules;
};

struct ClientScore {
  std::string client_id;
  Day as_of = kNever;
  int64_t config_version = 0;
  int64_t population_version = 0;

  std::optional<RfmInput> rfm_input;  // absent without a purchase
  std::optional<RfmScore> rfm;
  std::string rfm_cell;                            // "545"; empty without a purchase
  SpendTier spend_tier = SpendTier::kUnspecified;  // kNone without a purchase
  int64_t average_monthly_spend_minor = 0;
  NeedDepth need_depth = NeedDepth::kUnspecified;
  LifecycleStage lifecycle = LifecycleStage::kUnspecified;
  int64_t inactive_days = -1;  // -1: never active
  PropagationTier propagation_tier = PropagationTier::kUnspecified;
  double propagation_index = 0.0;
  Quadrant quadrant = Quadrant::kUnspecified;
  int64_t quadrant_value_minor = 0;
  int64_t quadrant_potential_minor = 0;
  ClvEstimate clv;

  SubScores sub_scores;
  double composite = 0.0;
  TierDecision tier;
  ChurnWarning churn_warning;
  Explanation explanation;
};

// Scores one client against its tenant's stored population stats. Throws
// std::invalid_argument when the stats were computed under another config version (their
// breakpoints would not match the config's bins or window: rebuild first).
enum class ScoreDetail {
  kExplained,  // with inputs and every rule as applied (ExplainScore, single rescores)
  kScoreOnly,  // the same score without the text (batch rescoring)
};

ClientScore ScoreClient(const ClientFacts& facts, const PopulationStats& population,
                        const ClvEstimate& clv, const ScoringConfig& config,
                        const TierState& previous, const std::optional<TierOverride>& tier_override,
                        Day as_of, ScoreDetail detail = ScoreDetail::kExplained);

}  // namespace clienttier::scoring
