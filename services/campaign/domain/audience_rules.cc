#include "services/campaign/domain/audience_rules.h"

namespace clienttier::campaign {
namespace {

bool HasConsent(const AudienceCandidate& candidate, Channel channel) {
  const auto found = candidate.consents.find(channel);
  return found != candidate.consents.end() && found->second;
}

}  // namespace

const char* Name(AudienceReason reason) {
  switch (reason) {
    case AudienceReason::kIncluded:
      return "included";
    case AudienceReason::kErased:
      return "erased";
    case AudienceReason::kNoConsent:
      return "no_consent";
    case AudienceReason::kHoldout:
      return "holdout";
    case AudienceReason::kFrequencyCap:
      return "frequency_cap";
  }
  return "unknown";
}

AudienceReason DecideAudience(const AudienceCandidate& candidate, Channel channel) {
  if (candidate.erased) {
    return AudienceReason::kErased;
  }
  if (!HasConsent(candidate, channel)) {
    return AudienceReason::kNoConsent;
  }
  if (candidate.in_holdout) {
    return AudienceReason::kHoldout;
  }
  if (!candidate.cap_allows) {
    return AudienceReason::kFrequencyCap;
  }
  return AudienceReason::kIncluded;
}

bool NeedsCapCheck(const AudienceCandidate& candidate, Channel channel) {
  return !candidate.erased && HasConsent(candidate, channel) && !candidate.in_holdout;
}

void AudienceCounts::Add(AudienceReason reason) {
  switch (reason) {
    case AudienceReason::kIncluded:
      ++included;
      return;
    case AudienceReason::kErased:
      ++erased;
      return;
    case AudienceReason::kNoConsent:
      ++no_consent;
      return;
    case AudienceReason::kHoldout:
      ++holdout;
      return;
    case AudienceReason::kFrequencyCap:
      ++frequency_cap;
      return;
  }
}

int64_t AudienceCounts::Count(AudienceReason reason) const {
  switch (reason) {
    case AudienceReason::kIncluded:
      return included;
    case AudienceReason::kErased:
      return erased;
    case AudienceReason::kNoConsent:
      return no_consent;
    case AudienceReason::kHoldout:
      return holdout;
    case AudienceReason::kFrequencyCap:
      return frequency_cap;
  }
  return 0;
}

int64_t AudienceCounts::Total() const {
  return included + erased + no_consent + holdout + frequency_cap;
}

}  // namespace clienttier::campaign
