#pragma once

#include <vector>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "services/referral/domain/purchase.h"

namespace clienttier::referral {

// What a ct:events:profile event means to referral: the paid occasions it records (each marks
// its client paying and may convert its referral), in the order recorded, or none. Only
// recorded transactions with a positive amount count: a free session or a refund neither
// converts nor makes a paying client, and the other events (profile changes, interactions,
// erasure) do not concern referrals.
std::vector<Purchase> PurchasesOf(const ::clienttier::profile::v1::ProfileEvent& event);

}  // namespace clienttier::referral
