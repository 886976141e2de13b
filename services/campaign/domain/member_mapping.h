#pragma once

#include <cstdint>
#include <string>

#include "clienttier/profile/v1/profile_service.pb.h"
#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "services/campaign/domain/campaign_state.h"
#include "services/campaign/domain/next_best_action.h"
#include "services/campaign/domain/score_labels.h"
#include "services/campaign/domain/segment_member.h"

namespace clienttier::campaign {

// Consent per channel as two bit sets (bit n: Channel n), so a member keeps "granted",
// "withdrawn" and "never asked" apart in two bytes.
struct ConsentBits {
  uint8_t recorded = 0;
  uint8_t granted = 0;
  bool Granted(Channel channel) const { return (granted >> static_cast<int>(channel)) & 1U; }
  bool Recorded(Channel channel) const { return (recorded >> static_cast<int>(channel)) & 1U; }
  bool AnyGranted() const { return granted != 0; }
};

// Builds the member a segment rule sees from scoring's Score and profile's Client; either may
// be missing (nullptr) and its fields then stay unknown.
SegmentMember ToSegmentMember(const std::string& client_id, const scoring::v1::Score* score,
                              const profile::v1::Client* client);

ConsentBits ToConsentBits(const profile::v1::Client& client);
// Bit n: the client granted sensitive-data purpose n (clienttier.common.v1.SensitiveDataPurpose).
uint8_t SensitiveConsentBits(const profile::v1::Client& client);

// The profile as campaign keeps it: without name, email and phone, which no rule, campaign or
// report reads, so an erasure elsewhere leaves no personal data here either.
profile::v1::Client WithoutContactDetails(const profile::v1::Client& client);

// The one mapping of scoring's proto enums to campaign's labels (score_labels.h and
// segment_member.h), used by segment members and the next-best-action playbook alike. A value
// campaign does not know (a newer scoring) maps to unspecified; the unit test fails first.
ScoreTier ToScoreTier(scoring::v1::Tier tier);
ScoreLifecycle ToScoreLifecycle(scoring::v1::LifecycleStage stage);
ScorePropagation ToScorePropagation(scoring::v1::PropagationTier tier);
MemberSpendTier ToMemberSpendTier(scoring::v1::SpendTier tier);
MemberNeedDepth ToMemberNeedDepth(scoring::v1::NeedDepth depth);
MemberQuadrant ToMemberQuadrant(scoring::v1::Quadrant quadrant);

// "T1", "T2", "T3" or "unspecified".
std::string TierName(MemberTier tier);
// "onboarding", ...; "unspecified".
std::string LifecycleName(MemberLifecycle lifecycle);

}  // namespace clienttier::campaign
