#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <cppconn/connection.h>

#include "common/db/processed_events.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"

namespace clienttier::scoring {

// The key of a version 7 UUID in lowercase hex (NewEventId's form): its 16 bytes; nullopt for
// any other id. Only that one spelling maps to bytes, so two distinct ids never share a key.
std::optional<std::string> EventKeyOf(const std::string& event_id);

// The smallest key of a version 7 UUID made at or after `time` (its 48 milliseconds bits, then
// zeros): every key below it belongs to an id made before `time`.
std::string EventKeyCutoff(UnixMicros time);

// scoring's processed-events log for ct:events:profile (migration 009): version 7 UUIDs are
// recorded as 16-byte keys in processed_event_keys, whose primary key is the only index; any
// other id goes to common's processed_events as before. Same contract as MarkEventsProcessed:
// one flag per event, true when new; repeats within the batch and ids already recorded are
// false; an id another transaction records at the same moment makes the insert wait on its row
// and then fail (AlreadyExists through the pool), never applied twice.
class MySqlProfileEventLog final : public ProcessedEventLog {
 public:
  std::vector<bool> MarkProcessed(
      Transaction& transaction,
      const std::vector<std::pair<std::string, std::string>>& event_and_tenant_ids,
      UnixMicros now) override;
};

// Deletes keys of ids made before `older_than`, at most 10,000 per call; returns the rows
// deleted. The time is the id's own (when client-profile made the event), which precedes its
// processing, so the retention counts from there.
int PurgeProcessedEventKeys(sql::Connection& connection, UnixMicros older_than);

}  // namespace clienttier::scoring
