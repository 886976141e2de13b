#pragma once

#include "clienttier/referral/v1/referral_events.pb.h"
#include "common/outbox/outbox.h"
#include "common/time/utc_time.h"

namespace clienttier::referral {

// A ct:events:referral outbox event of `type` ("referral_registered", "referral_converted",
// "reward_issued"), stamped with a new id, the tenant and `now`.
OutboxEvent MakeReferralEvent(const std::string& tenant_id, UnixMicros now, v1::ReferralEvent event,
                              const char* type);

}  // namespace clienttier::referral
