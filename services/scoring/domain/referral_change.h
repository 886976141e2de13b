#pragma once

#include <optional>

#include "clienttier/referral/v1/referral_events.pb.h"
#include "services/scoring/domain/dated_counts.h"

namespace clienttier::scoring {

// What a referral event says about the dates of its referral (client_referral_dates): the day
// the referee registered and, for a conversion, the day it converted; nullopt for events that
// date no referral (rewards) or name no referrer. A time the referral leaves unset falls back
// to the event's own time.
std::optional<DatedReferral> DatedReferralOf(
    const ::clienttier::referral::v1::ReferralEvent& event);

}  // namespace clienttier::scoring
