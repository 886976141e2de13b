#include "services/referral/domain/merge_rules.h"

namespace clienttier::referral {

KeptReferral RefereeReferralToKeep(const std::optional<v1::Referral>& survivors,
                                   const std::optional<v1::Referral>& duplicates) {
  if (!duplicates) {
    return survivors ? KeptReferral::kSurvivors : KeptReferral::kNone;
  }
  if (!survivors) {
    return KeptReferral::kDuplicates;
  }
  const bool survivor_converted = survivors->status() == v1::REFERRAL_STATUS_CONVERTED;
  const bool duplicate_converted = duplicates->status() == v1::REFERRAL_STATUS_CONVERTED;
  return duplicate_converted && !survivor_converted ? KeptReferral::kDuplicates
                                                    : KeptReferral::kSurvivors;
}

bool DropsAfterMerge(const v1::Referral& referral) {
  return referral.referrer_client_id() == referral.referee_client_id() &&
         referral.status() != v1::REFERRAL_STATUS_CONVERTED;
}

}  // namespace clienttier::referral
