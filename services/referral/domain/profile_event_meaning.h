#pragma once

#include <optional>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "services/referral/domain/purchase.h"

namespace clienttier::referral {

// What a ct:events:profile event means to referral: a paid occasion (which marks its client
// paying and may convert its referral), or nothing. Only recorded transactions with a positive
// amount count: a free session neither converts nor makes a paying client, and the other
// events (profile changes, interactions, erasure) do not concern referrals.
std::optional<Purchase> PurchaseOf(const ::clienttier::profile::v1::ProfileEvent& event);

}  // namespace clienttier::referral
