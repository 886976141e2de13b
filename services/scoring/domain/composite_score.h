#pragma once

#include <optional>

#include "services/scoring/domain/need_depth.h"
#include "services/scoring/domain/rfm.h"
#include "services/scoring/domain/scoring_config.h"

namespace clienttier::scoring {

// Each sub-score is on 0..100.
struct SubScores {
  double consumption = 0.0;
  double need_depth = 0.0;
  double propagation = 0.0;
};

// Consumption from the client's RFM position within its tenant, each score scaled to 0..1 as
// (score - 1) / (bins - 1):
//   consumption = 100 * (0.40 * m + 0.35 * f + 0.25 * r)
// Monetary weighs most because tiers are about value; recency least, because lapsing is
// handled by lifecycle and the churn warning and should not by itself demote a loyal client.
// CLV is left out: it feeds the value x potential quadrant, and a model-based number would
// make tiers move when a tenant's model is refitted. No purchase scores 0.
inline constexpr double kConsumptionRecencyWeight = 0.25;
inline constexpr double kConsumptionFrequencyWeight = 0.35;
inline constexpr double kConsumptionMonetaryWeight = 0.40;
double ConsumptionScore(const std::optional<RfmScore>& rfm, int64_t bins);

// none 0, light 30, moderate 65, deep 100: a second session is the big step (most clients
// never take it), and long-term service is the top.
double NeedDepthScore(NeedDepth depth);

// consumption_weight * consumption + need_depth_weight * need_depth
//   + propagation_weight * propagation, clamped to 0..100.
double CompositeScore(const SubScores& sub_scores, const CompositeConfig& weights);

}  // namespace clienttier::scoring
