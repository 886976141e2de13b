#pragma once

#include <cstdint>

namespace clienttier::campaign {

// Scoring's classifications as campaign keeps them: the one declaration that segment members
// (segment_member.h) and the next-best-action playbook (next_best_action.h) share. The numbers
// are those of scoring.v1's Tier, LifecycleStage and PropagationTier; domain/member_mapping.cc
// is the one place that maps the proto enums to these (tests/unit/campaign/member_mapping_test.cc
// checks that every proto value maps). 0 is "unspecified": not scored yet. One byte each, since
// a segment run scans a million members.
enum class ScoreTier : uint8_t { kUnspecified = 0, kT1 = 1, kT2 = 2, kT3 = 3 };
enum class ScoreLifecycle : uint8_t {
  kUnspecified = 0,
  kProspect = 1,
  kOnboarding = 2,
  kGrowth = 3,
  kMature = 4,
  kDormant = 5,
  kChurned = 6,
};
enum class ScorePropagation : uint8_t {
  kUnspecified = 0,
  kSilent = 1,
  kParticipant = 2,
  kContributor = 3,
  kSpreader = 4,
};

}  // namespace clienttier::campaign
