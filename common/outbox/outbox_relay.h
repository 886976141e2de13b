#pragma once

#include <atomic>
#include <chrono>
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
  // Cap of each stream: past it the relay drops the entries every consumer group has read and
  // acknowledged, never others (TrimConsumedEntries); the outbox keeps older events for replay.
  int max_stream_length = 5'000'000;
  // How often the relay checks the streams it publishes to against that cap.
  int trim_check_ms = 1000;
  int retention_days = 7;
  // While idle, how often the relay checks that Redis still has its streams (a pass that
  // publishes always checks first).
  int lost_stream_check_ms = 1000;
};

// Publishes outbox rows to their Redis streams.
//
// One relay at a time per schema publishes: leadership is a MySQL named lock held by the
// relay's connection, so replicas can all run a relay and one takes over when the leader dies.
// Delivery: a row is marked published only after its XADD succeeded, so a crash never loses an
// event. With the mark, in the same transaction, the relay records the id of the last entry it
// added to each stream (outbox_stream_position). A relay that (re)gains leadership, or whose
// last pass failed part-way, reads the entries after that id and skips the events already there:
// exactly what a dead relay published and did not mark, whatever either relay's batch size.
// Every stream entry carries the event_id field for consumers to dedupe on.
//
// Lost streams: before publishing to a stream (and once a second while idle) the relay checks
// that the recorded entry is still on it. If it is not, Redis lost the stream (restarted empty
// or from an older file): the relay logs it, counts it (ct_outbox_stream_resets_total) and
// replays the stream's retained outbox rows (ct_outbox_replayed_total); consumer groups,
// recreated from "0", read them again and their event-id dedupe skips what they had applied.
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
  // again (after Redis lost its streams). Only those of `stream` when it is not empty.
  // Returns the number of events. The manual path: `tierctl outbox replay`.
  static int64_t ReplaySince(MySqlPool& pool, UnixMicros since, const std::string& stream = "");
  // Deletes published rows older than the retention window; returns rows deleted.
  int64_t PurgeExpired();

  // Test seam: runs after a batch reached Redis and before it is marked published. Throwing
  // from it simulates a relay killed at the worst moment.
  void SetAfterPublishHook(std::function<void()> hook) { after_publish_hook_ = std::move(hook); }

 private:
  bool TakeLeadership();
  void DropLeadership();
  // The stream's recorded position; for a stream without one, records its current last entry
  // ("0-0" when empty) before the first publication, so the record always precedes the XADDs.
  std::string PositionOf(sql::Connection& connection, const std::string& stream);
  // Replays every stream among `positions` whose recorded entry Redis no longer has; returns
  // how many it found.
  int ReplayLostStreams(sql::Connection& connection,
                        const std::map<std::string, std::string>& positions);
  // The body of RunOnce on the leader's connection; after a lost stream was replayed it runs
  // once more (after_replay) to publish the replayed rows.
  int Pass(sql::Connection& connection, bool after_replay);
  // Caps the streams of a pass (at most once per trim_check_ms; see TrimConsumedEntries).
  void TrimStreams(const std::map<std::string, std::string>& streams,
                   std::chrono::steady_clock::time_point now);
  // Finds what a dead relay published and did not mark; returns the events of the rows it
  // marked (see the .cc).
  int Recover(sql::Connection& connection);
  // Event ids of the entries after `after_id`; `last_id` becomes the newest entry's id.
  std::set<std::string> EventIdsAfter(const std::string& stream, const std::string& after_id,
                                      std::string* last_id);
  void Loop();

  MySqlPool& pool_;
  RedisClient& redis_;
  OutboxRelayOptions options_;
  std::optional<MySqlPool::Lease> leader_;
  bool needs_recovery_ = true;
  std::set<std::string> skip_events_;             // of a row a dead relay published in part
  std::map<std::string, std::string> positions_;  // cache of outbox_stream_position, as leader
  std::chrono::steady_clock::time_point next_lost_stream_check_{};
  std::chrono::steady_clock::time_point next_trim_check_{};
  bool more_pending_ = false;  // the last pass left rows behind
  std::function<void()> after_publish_hook_;

  Counter& published_;
  Counter& failures_;
  Counter& recovered_;
  Counter& stream_resets_;
  Counter& replayed_;
  Histogram& publish_delay_;

  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool wake_requested_ = false;
  std::atomic<bool> running_{false};
  std::thread thread_;
};

}  // namespace clienttier
