#include "services/scoring/domain/propagation.h"

#include <algorithm>

namespace clienttier::scoring {
namespace {

double NonNegative(int64_t count) { return static_cast<double>(std::max<int64_t>(count, 0)); }

}  // namespace

const char* Name(PropagationTier tier) {
  switch (tier) {
    case PropagationTier::kUnspecified:
      return "unspecified";
    case PropagationTier::kSilent:
      return "silent";
    case PropagationTier::kParticipant:
      return "participant";
    case PropagationTier::kContributor:
      return "contributor";
    case PropagationTier::kSpreader:
      return "spreader";
  }
  return "unspecified";
}

PropagationTier ClassifyPropagation(const ClientFacts& facts, const PropagationConfig& config) {
  if (facts.referrals_converted >= config.spreader_min_converted) {
    return PropagationTier::kSpreader;
  }
  if (facts.referrals_sent > 0 || facts.referrals_converted > 0 || facts.shares > 0) {
    return PropagationTier::kContributor;
  }
  if (facts.events_attended > 0 || facts.content_uses > 0) {
    return PropagationTier::kParticipant;
  }
  return PropagationTier::kSilent;
}

double PropagationPoints(const ClientFacts& facts) {
  return 10.0 * NonNegative(facts.referrals_converted) + 3.0 * NonNegative(facts.referrals_sent) +
         2.0 * NonNegative(facts.shares) + 1.0 * NonNegative(facts.events_attended) +
         0.5 * NonNegative(facts.content_uses);
}

double PropagationIndex(const ClientFacts& facts) {
  const double points = PropagationPoints(facts);
  return 100.0 * points / (points + kPropagationHalfSaturationPoints);
}

}  // namespace clienttier::scoring
