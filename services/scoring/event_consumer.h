#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "common/observability/metrics.h"
#include "common/redis/redis_client.h"
#include "common/redis/stream_consumer.h"
#include "services/scoring/scoring_engine.h"

namespace clienttier::scoring {

struct EventConsumerOptions {
  std::string group = "scoring";
  std::string consumer_name;  // unique per replica (pod name)
  // Where a new group starts: "0" replays the whole retained stream (a new deployment);
  // tests that create a group per test use "$".
  std::string start_id = "0";
  int batch = 100;
  int block_ms = 200;  // below the Redis command timeout, which also bounds XREADGROUP BLOCK
  int claim_idle_ms = 30000;
  // Processed event ids are kept this long (longer than the outbox's 7-day replay window, so a
  // replayed event is still recognised), then purged in the background.
  int dedupe_retention_days = 8;
};

// Reads ct:events:profile in the consumer group and applies each event through the engine.
// An entry is acknowledged only after its transaction committed, so a crash at any point
// redelivers it, and the engine's event-id dedupe makes the redelivery a no-op.
class EventConsumer {
 public:
  EventConsumer(RedisClient& redis, ScoringEngine& engine, MetricsRegistry& metrics,
                EventConsumerOptions options);
  ~EventConsumer();

  // Creates the consumer group (so nothing published after this is missed) and starts the
  // loop. Without Redis the loop creates the group once Redis is back.
  void Start();
  void Stop();
  // Reads and applies one batch; returns the entries handled. The loop's body, public for tests.
  int PollOnce(int block_ms);

 private:
  void Run();
  // Deletes processed-event ids past the retention, at most once an hour.
  void PurgeOldEventIds();

  StreamConsumer stream_;
  ScoringEngine& engine_;
  EventConsumerOptions options_;
  Counter& applied_;
  Counter& duplicates_;
  Counter& failures_;
  Counter& poison_;
  bool group_ready_ = false;
  std::chrono::steady_clock::time_point next_purge_{};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace clienttier::scoring
