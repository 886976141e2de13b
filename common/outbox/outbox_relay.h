#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "common/db/mysql_pool.h"
#include "common/observability/metrics.h"
#include "common/redis/redis_client.h"
#include "common/time/utc_time.h"

namespace clienttier {

struct OutboxRelayOptions {
  // Events per pass: whole rows are read until the pass holds this many (at least one row).
  int batch_size = 1000;
  int max_rows_per_pass = 200;
  int poll_interval_ms = 20;
  // Approximate cap of each stream (XADD MAXLEN ~); the outbox keeps older events for replay.
  int max_stream_length = 5'000'000;
  int retention_days = 7;
};

// Publishes outbox rows to their Redis streams.
//
// One relay at a time per schema publishes: leadership is a MySQL named lock held by the
// relay's connection, so replicas can all run a relay and one takes over when the leader dies.
// Delivery: a row is marked published only after its XADD succeeded, so a crash never loses an
// event. A crash between XADD and the mark would publish it again; to prevent that, a relay
// that (re)gains leadership first reads the tail of each stream and marks rows already there
// as published. Every stream entry carries the event_id field for consumers to dedupe on.
class OutboxRelay {
 public:
  OutboxRelay(MySqlPool& pool, RedisClient& redis, MetricsRegistry& metrics,
              OutboxRelayOptions options = {});
  ~OutboxRelay();
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  void Start();
  // Stops the thread after one last flush attempt.
  void Stop();
  // Wakes the relay now (called after a commit, to cut publication latency).
  void Notify();

  // One pass: take leadership if free, publish about batch_size events. Returns how many
  // events were published (or found already published). Throws Unavailable when Redis or MySQL is down.
  int RunOnce();
  bool is_leader() const { return leader_.has_value(); }

  // Marks every event created at or after `since` unpublished, so the relay publishes them
  // again (after Redis lost its streams). Returns the number of events.
  static int64_t ReplaySince(MySqlPool& pool, UnixMicros since);
  // Deletes published rows older than the retention window; returns rows deleted.
  int64_t PurgeExpired();

  // Test seam: runs after a batch reached Redis and before it is marked published. Throwing
  // from it simulates a relay killed at the worst moment.
  void SetAfterPublishHook(std::function<void()> hook) { after_publish_hook_ = std::move(hook); }

 private:
  bool TakeLeadership();
  void DropLeadership();
  std::set<std::string> EventIdsAtStreamTail(const std::string& stream, size_t count);
  void Loop();

  MySqlPool& pool_;
  RedisClient& redis_;
  OutboxRelayOptions options_;
  std::optional<MySqlPool::Lease> leader_;
  bool needs_recovery_ = true;
  bool more_pending_ = false;  // the last pass left rows behind
  std::function<void()> after_publish_hook_;

  Counter& published_;
  Counter& failures_;
  Counter& recovered_;

  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool wake_requested_ = false;
  std::atomic<bool> running_{false};
  std::thread thread_;
};

}  // namespace clienttier
