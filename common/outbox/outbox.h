#pragma once

#include <string>
#include <vector>

#include <cppconn/connection.h>

#include "common/db/migrations.h"

namespace clienttier {

struct OutboxEvent {
  std::string event_id;  // NewEventId()
  std::string stream;    // "ct:events:profile"
  std::string type;      // "transaction_recorded"
  std::string tenant_id;
  std::string payload;         // serialized event proto
  std::string invalidate_key;  // optional cache key to invalidate on publication
};

// A time-ordered (version 7) UUID: ids made close in time sort close together, so the
// indexes keyed by them (processed_events, referrals, rewards) grow at their end instead of
// splitting pages all over the tree. 74 random bits keep them unguessable and unique.
std::string NewEventId();

// Inserts the events using the caller's connection, inside the caller's transaction, so they
// commit or roll back with the change they describe. The events of one stream share a row
// (an OutboxRow, up to 500 events), so a transaction's cost in the outbox does not grow with
// its number of events; the relay still publishes each event as its own stream entry.
void AppendToOutbox(sql::Connection& connection, const std::vector<OutboxEvent>& events);

// The outbox table's own migrations (component "outbox"); every service with an outbox
// applies them next to its own.
std::vector<Migration> OutboxMigrations();

}  // namespace clienttier
