#pragma once

#include <string>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "common/outbox/outbox.h"
#include "common/outbox/streams.h"
#include "common/time/utc_time.h"

namespace clienttier::profile {

// "ct:profile:{tenant}:client:{client_id}", the cache key of one client.
std::string ClientCacheKey(const std::string& tenant_id, const std::string& client_id);

// Removes what identifies a person or is free text they may have written from an event: a
// client's display_name, email and phone, and an interaction's detail. Events are copied to the
// outbox (kept 7 days), the stream (kept up to millions of entries) and every consumer, none of
// which erasure can reach, so they carry ids, changed field names and the coded attributes
// consumers use (consents, tags, bands, region, acquisition), and personal values stay in
// client-profile's tables, which erasure clears. README "Privacy: what events carry".
void StripPersonalData(::clienttier::profile::v1::ProfileEvent& event);

// Wraps a ProfileEvent (payload already set) into an outbox row for ct:events:profile, with a
// fresh event id, and the stream entry's `type` from the payload case. The event is passed
// through StripPersonalData first, so no write path can publish a personal value.
OutboxEvent MakeOutboxEvent(const std::string& tenant_id, UnixMicros now,
                            ::clienttier::profile::v1::ProfileEvent event,
                            const std::string& invalidate_key = "");

}  // namespace clienttier::profile
