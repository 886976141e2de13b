#pragma once

#include <string>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "common/db/processed_events.h"
#include "common/observability/metrics.h"
#include "common/redis/event_stream_worker.h"
#include "common/redis/redis_client.h"

namespace clienttier {

struct ProfileEventConsumerOptions {
  std::string group;          // the consuming service ("scoring"); tests use one of their own
  std::string metric_prefix;  // "ct_scoring_events"
  std::string consumer_name;  // unique per replica (pod name)
  // "0" replays the whole retained stream for a new group; tests use "$".
  std::string start_id = "0";
  int claim_idle_ms = 30000;
  int batch = 100;
  // Processed event ids are kept this long (longer than the outbox's 7-day replay window, so a
  // replayed event is still recognised), then purged in the background.
  int dedupe_retention_days = 8;
};

// Applies ct:events:profile through a service's engine: each read through
// engine.ApplyProfileEvents (one transaction), one event at a time through
// engine.ApplyProfileEvent after a failed read, and an hourly purge of old processed-event
// ids on engine.pool() (see EventStreamWorker for delivery and acknowledgement).
template <typename Engine>
class ProfileEventConsumer {
 public:
  ProfileEventConsumer(RedisClient& redis, Engine& engine, MetricsRegistry& metrics,
                       const ProfileEventConsumerOptions& options)
      : engine_(engine),
        purger_(engine.pool(), engine.clock(), options.dedupe_retention_days),
        worker_(redis, metrics, StreamOptions(options),
                {[this](const std::vector<profile::v1::ProfileEvent>& events) {
                   return engine_.ApplyProfileEvents(events);
                 },
                 [this](const profile::v1::ProfileEvent& event) {
                   return engine_.ApplyProfileEvent(event);
                 },
                 [this] { purger_.RunIfDue(); }}) {}

  void Start() { worker_.Start(); }
  void Stop() { worker_.Stop(); }
  int PollOnce(int block_ms) { return worker_.PollOnce(block_ms); }

 private:
  static EventStreamOptions StreamOptions(const ProfileEventConsumerOptions& options) {
    EventStreamOptions stream;
    stream.stream = "ct:events:profile";
    stream.group = options.group;
    stream.consumer_name = options.consumer_name;
    stream.start_id = options.start_id;
    stream.claim_idle_ms = options.claim_idle_ms;
    stream.batch = options.batch;
    stream.metric_prefix = options.metric_prefix;
    return stream;
  }

  Engine& engine_;
  ProcessedEventsPurger purger_;
  EventStreamWorker<profile::v1::ProfileEvent> worker_;
};

}  // namespace clienttier
