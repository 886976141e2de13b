#pragma once

#include <cstdint>

#include "services/scoring/domain/client_facts.h"
#include "services/scoring/domain/scoring_config.h"

namespace clienttier::scoring {

enum class PropagationTier {
  kUnspecified = 0,
  kSilent = 1,
  kParticipant = 2,
  kContributor = 3,
  kSpreader = 4,
};
const char* Name(PropagationTier tier);

// First match wins:
//   spreader:    referrals_converted >= spreader_min_converted
//   contributor: has referred (sent or converted) or shared
//   participant: attended an event or used content
//   silent:      none of these
PropagationTier ClassifyPropagation(const ClientFacts& facts, const PropagationConfig& config);

// Weighted activity points, each count taken as at least zero; a converted referral brings a
// client, so it weighs most, then a referral sent, a share, an event, a content use:
//   points = 10*converted + 3*sent + 2*shares + 1*events + 0.5*content_uses
// and the index saturates so the busiest few cannot flatten everyone else to zero:
//   index = 100 * points / (points + 20)      (20 points -> 50, 60 -> 75, 180 -> 90)
inline constexpr double kPropagationHalfSaturationPoints = 20.0;
double PropagationPoints(const ClientFacts& facts);
double PropagationIndex(const ClientFacts& facts);

}  // namespace clienttier::scoring
