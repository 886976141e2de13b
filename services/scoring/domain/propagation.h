#pragma once

#include <cstdint>

#include "services/scoring/domain/client_facts.h"

// Scoring owns the propagation classification; this file is its one definition. Referral links
// it (CMake target scoring_propagation, which has no other dependency) so the tier and index its
// GetPropagation shows for a referrer's counts are the ones scoring would compute from them.
namespace clienttier::scoring {

enum class PropagationTier {
  kUnspecified = 0,
  kSilent = 1,
  kParticipant = 2,
  kContributor = 3,
  kSpreader = 4,
};
const char* Name(PropagationTier tier);

struct PropagationConfig {
  int64_t spreader_min_converted = 3;  // converted referrals that make a spreader
};

// What the classification and the index read: referral's funnel and the community
// interactions client-profile records.
struct PropagationSignals {
  int64_t referrals_sent = 0;  // invitations sent (a registered referee counts as one)
  int64_t referrals_converted = 0;
  int64_t shares = 0;
  int64_t events_attended = 0;
  int64_t content_uses = 0;
};

// The signals referral alone knows, from its counts. A registered referee implies an invitation,
// whatever was reported: referrals_sent = max(invitations_sent, registered).
PropagationSignals SignalsFromReferralCounts(int64_t invitations_sent, int64_t registered,
                                             int64_t converted);
// A scored client's signals (its facts hold referral's counts and profile's interactions).
PropagationSignals SignalsOf(const ClientFacts& facts);

// First match wins:
//   spreader:    referrals_converted >= spreader_min_converted
//   contributor: has referred (sent or converted) or shared
//   participant: attended an event or used content
//   silent:      none of these
PropagationTier ClassifyPropagation(const PropagationSignals& signals,
                                    const PropagationConfig& config);
PropagationTier ClassifyPropagation(const ClientFacts& facts, const PropagationConfig& config);

// Weighted activity points, each count taken as at least zero; a converted referral brings a
// client, so it weighs most, then a referral sent, a share, an event, a content use:
//   points = 10*converted + 3*sent + 2*shares + 1*events + 0.5*content_uses
// and the index saturates so the busiest few cannot flatten everyone else to zero:
//   index = 100 * points / (points + 20)      (20 points -> 50, 60 -> 75, 180 -> 90)
inline constexpr double kPropagationHalfSaturationPoints = 20.0;
double PropagationPoints(const PropagationSignals& signals);
double PropagationIndex(const PropagationSignals& signals);
double PropagationPoints(const ClientFacts& facts);
double PropagationIndex(const ClientFacts& facts);

}  // namespace clienttier::scoring
