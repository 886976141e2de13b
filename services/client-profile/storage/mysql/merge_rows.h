#pragma once

#include <cstdint>
#include <string>

#include <cppconn/connection.h>

#include "common/time/utc_time.h"

namespace clienttier::profile {

// The rows MergeClients moves and the client_merges record (migration 009), on the caller's
// connection (inside its transaction). All statements are tenant-scoped.

// Moves every transaction and interaction of `duplicate_id` to `survivor_id`; returns how many
// rows moved. Idempotency keys are unique per tenant, not per client, so nothing collides.
int64_t MoveActivity(sql::Connection& connection, const std::string& tenant_id,
                     const std::string& duplicate_id, const std::string& survivor_id);

// Records that `duplicate_id` now lives on as `survivor_id`.
void InsertMerge(sql::Connection& connection, const std::string& tenant_id,
                 const std::string& duplicate_id, const std::string& survivor_id, UnixMicros now,
                 const std::string& key_id);

}  // namespace clienttier::profile
