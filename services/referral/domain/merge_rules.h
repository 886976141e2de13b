#pragma once

#include <optional>

#include "clienttier/referral/v1/referral_service.pb.h"

namespace clienttier::referral {

// What a client-profile merge (issue 18 part 5) does to referrals. Pure.

// A person is referred once (referrals has one row per referee). Of the two records'
// referrals as referee (either may be missing), the one a merge keeps: a converted one before
// an unconverted one (its conversion and rewards happened), else the survivor's.
enum class KeptReferral { kNone, kSurvivors, kDuplicates };
KeptReferral RefereeReferralToKeep(const std::optional<v1::Referral>& survivors,
                                   const std::optional<v1::Referral>& duplicates);

// Whether a referral that the merge made a self-referral (one record referred the other, so
// referrer and referee are now the same client) must go: one that has not converted would
// convert on the survivor's next purchase and earn a reward for referring oneself. A converted
// one stays: its rewards were issued while the records looked like two people (README).
bool DropsAfterMerge(const v1::Referral& referral);

}  // namespace clienttier::referral
