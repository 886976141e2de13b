#include "services/scoring/domain/need_depth.h"

namespace clienttier::scoring {

const char* Name(NeedDepth depth) {
  switch (depth) {
    case NeedDepth::kUnspecified:
      return "unspecified";
    case NeedDepth::kNone:
      return "none";
    case NeedDepth::kLight:
      return "light";
    case NeedDepth::kModerate:
      return "moderate";
    case NeedDepth::kDeep:
      return "deep";
  }
  return "unspecified";
}

NeedDepth ClassifyNeedDepth(int64_t paid_occasions, int64_t active_months,
                            const NeedDepthConfig& config) {
  if (paid_occasions <= 0) {
    return NeedDepth::kNone;
  }
  if (paid_occasions >= config.deep_min_sessions ||
      active_months >= config.deep_min_active_months) {
    return NeedDepth::kDeep;
  }
  if (paid_occasions >= config.moderate_min_sessions) {
    return NeedDepth::kModerate;
  }
  return NeedDepth::kLight;
}

NeedDepth NeedDepthFor(const ClientFacts& facts, const NeedDepthConfig& config) {
  return ClassifyNeedDepth(facts.purchase_count, facts.active_months, config);
}

}  // namespace clienttier::scoring
