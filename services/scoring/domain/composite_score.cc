#include "services/scoring/domain/composite_score.h"

#include <algorithm>

namespace clienttier::scoring {
namespace {

double Position(int score, int64_t bins) {
  return std::clamp(static_cast<double>(score - 1) / static_cast<double>(bins - 1), 0.0, 1.0);
}

}  // namespace

double ConsumptionScore(const std::optional<RfmScore>& rfm, int64_t bins) {
  if (!rfm.has_value() || bins < 2) {
    return 0.0;
  }
  return 100.0 * (kConsumptionMonetaryWeight * Position(rfm->monetary, bins) +
                  kConsumptionFrequencyWeight * Position(rfm->frequency, bins) +
                  kConsumptionRecencyWeight * Position(rfm->recency, bins));
}

double NeedDepthScore(NeedDepth depth) {
  switch (depth) {
    case NeedDepth::kUnspecified:
    case NeedDepth::kNone:
      return 0.0;
    case NeedDepth::kLight:
      return 30.0;
    case NeedDepth::kModerate:
      return 65.0;
    case NeedDepth::kDeep:
      return 100.0;
  }
  return 0.0;
}

double CompositeScore(const SubScores& sub_scores, const CompositeConfig& weights) {
  const double blended = weights.consumption_weight * sub_scores.consumption +
                         weights.need_depth_weight * sub_scores.need_depth +
                         weights.propagation_weight * sub_scores.propagation;
  return std::clamp(blended, 0.0, 100.0);
}

}  // namespace clienttier::scoring
