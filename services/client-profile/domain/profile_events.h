#pragma once

#include <string>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "common/outbox/outbox.h"
#include "common/outbox/streams.h"
#include "common/time/utc_time.h"

namespace clienttier::profile {

// "ct:profile:{tenant}:client:{client_id}", the cache key of one client.
std::string ClientCacheKey(const std::string& tenant_id, const std::string& client_id);

// Wraps a ProfileEvent (payload already set) into an outbox row for ct:events:profile, with a
// fresh event id, and the stream entry's `type` from the payload case.
OutboxEvent MakeOutboxEvent(const std::string& tenant_id, UnixMicros now,
                            ::clienttier::profile::v1::ProfileEvent event,
                            const std::string& invalidate_key = "");

}  // namespace clienttier::profile
