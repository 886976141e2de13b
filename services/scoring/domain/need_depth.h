#pragma once

#include <cstdint>

#include "services/scoring/domain/client_facts.h"
#include "services/scoring/domain/scoring_config.h"

namespace clienttier::scoring {

enum class NeedDepth {
  kUnspecified = 0,
  kNone = 1,  // never purchased
  kLight = 2,
  kModerate = 3,
  kDeep = 4,
};
const char* Name(NeedDepth depth);

// Paid occasions are purchase_count, which counts sessions and purchases alike: a client who
// buys a course three times is as engaged as one who books three sessions. Scoring does not
// know "concerns", so all occasions count towards one need, and several distinct active
// months stand in for "several months of continuous service".
//   none:     0 occasions
//   deep:     >= deep_min_sessions occasions, or >= deep_min_active_months active months
//   moderate: >= moderate_min_sessions occasions
//   light:    otherwise (one occasion)
NeedDepth ClassifyNeedDepth(int64_t paid_occasions, int64_t active_months,
                            const NeedDepthConfig& config);
NeedDepth NeedDepthFor(const ClientFacts& facts, const NeedDepthConfig& config);

}  // namespace clienttier::scoring
