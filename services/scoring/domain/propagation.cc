#include "services/scoring/domain/propagation.h"

#include <algorithm>

#include "services/scoring/domain/client_facts.h"

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

PropagationSignals SignalsFromReferralCounts(int64_t invitations_sent, int64_t registered,
                                             int64_t converted) {
  PropagationSignals signals;
  signals.referrals_sent = std::max(invitations_sent, registered);
  signals.referrals_converted = converted;
  return signals;
}

PropagationSignals SignalsOf(const ClientFacts& facts) {
  PropagationSignals signals;
  signals.referrals_sent = facts.referrals_sent;
  signals.referrals_converted = facts.referrals_converted;
  signals.shares = facts.shares;
  signals.events_attended = facts.events_attended;
  signals.content_uses = facts.content_uses;
  return signals;
}

PropagationTier ClassifyPropagation(const PropagationSignals& signals,
                                    const PropagationConfig& config) {
  if (signals.referrals_converted >= config.spreader_min_converted) {
    return PropagationTier::kSpreader;
  }
  if (signals.referrals_sent > 0 || signals.referrals_converted > 0 || signals.shares > 0) {
    return PropagationTier::kContributor;
  }
  if (signals.events_attended > 0 || signals.content_uses > 0) {
    return PropagationTier::kParticipant;
  }
  return PropagationTier::kSilent;
}

PropagationTier ClassifyPropagation(const ClientFacts& facts, const PropagationConfig& config) {
  return ClassifyPropagation(SignalsOf(facts), config);
}

double PropagationPoints(const PropagationSignals& signals) {
  return 10.0 * NonNegative(signals.referrals_converted) +
         3.0 * NonNegative(signals.referrals_sent) + 2.0 * NonNegative(signals.shares) +
         1.0 * NonNegative(signals.events_attended) + 0.5 * NonNegative(signals.content_uses);
}

double PropagationIndex(const PropagationSignals& signals) {
  const double points = PropagationPoints(signals);
  return 100.0 * points / (points + kPropagationHalfSaturationPoints);
}

double PropagationPoints(const ClientFacts& facts) { return PropagationPoints(SignalsOf(facts)); }

double PropagationIndex(const ClientFacts& facts) { return PropagationIndex(SignalsOf(facts)); }

}  // namespace clienttier::scoring
