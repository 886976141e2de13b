#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <cppconn/connection.h>

#include "common/db/transaction.h"
#include "common/time/utc_time.h"

namespace clienttier {

// The `processed_events` table every event consumer keeps in its own schema (event_id primary
// key, tenant_id, processed_at): inserting an event's id in the same transaction as the change
// it causes makes a redelivered event change nothing.

// Records the id; false when it was there already (the event was applied before).
bool MarkEventProcessed(sql::Connection& connection, const std::string& event_id,
                        const std::string& tenant_id, UnixMicros now);

// The same for a batch of (event id, tenant id): one flag per event, true when it is new. Ids
// already recorded, and repeats within the batch, are false. One insert when every id is new
// (the usual case); otherwise that insert is undone (a savepoint, so the caller's earlier work
// in the transaction stays) and the ids are read, then the new ones inserted. An id another
// transaction records at the same moment is either seen as recorded or makes the insert fail
// with a duplicate key (AlreadyExists through the pool): never applied twice.
std::vector<bool> MarkEventsProcessed(
    sql::Connection& connection,
    const std::vector<std::pair<std::string, std::string>>& event_and_tenant_ids, UnixMicros now);

// Deletes ids processed before `older_than`, at most 10,000 per call so no statement holds
// locks for long; returns the rows deleted.
int PurgeProcessedEvents(sql::Connection& connection, UnixMicros older_than);

// The processed-events log as a repository, so a consumer's use case takes it like any other
// (tests/support has the fake). MarkProcessed is MarkEventsProcessed on the transaction.
class ProcessedEventLog {
 public:
  virtual ~ProcessedEventLog() = default;
  virtual std::vector<bool> MarkProcessed(
      Transaction& transaction,
      const std::vector<std::pair<std::string, std::string>>& event_and_tenant_ids,
      UnixMicros now) = 0;
};

class MySqlProcessedEventLog final : public ProcessedEventLog {
 public:
  std::vector<bool> MarkProcessed(
      Transaction& transaction,
      const std::vector<std::pair<std::string, std::string>>& event_and_tenant_ids,
      UnixMicros now) override {
    return MarkEventsProcessed(ConnectionOf(transaction), event_and_tenant_ids, now);
  }
};

class MySqlPool;

// Purges ids older than the retention, at most once an hour: an event consumer's housekeeping.
// The retention must exceed the outbox's replay window, so a replayed event is still
// recognised.
class ProcessedEventsPurger {
 public:
  ProcessedEventsPurger(MySqlPool& pool, const Clock& clock, int retention_days);
  void RunIfDue();

 private:
  MySqlPool& pool_;
  const Clock& clock_;
  int retention_days_;
  std::chrono::steady_clock::time_point next_run_{};
};

}  // namespace clienttier
