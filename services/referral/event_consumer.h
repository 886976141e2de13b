#pragma once

#include <string>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "common/db/processed_events.h"
#include "common/observability/metrics.h"
#include "common/redis/event_stream_worker.h"
#include "common/redis/redis_client.h"
#include "services/referral/referral_engine.h"

namespace clienttier::referral {

struct EventConsumerOptions {
  std::string group = "referral";  // tests use a group of their own
  std::string consumer_name;       // unique per replica (pod name)
  // "0" replays the whole retained stream for a new group; tests use "$".
  std::string start_id = "0";
  int claim_idle_ms = 30000;
  int batch = 500;  // one transaction per read: bigger reads, fewer commits
  // Longer than the outbox's 7-day replay window, so a replayed event is still recognised.
  int dedupe_retention_days = 8;
};

// Applies ct:events:profile: a referee's first qualifying purchase converts its referral, and
// every paid occasion marks its client as paying (the existing_client rule).
class EventConsumer {
 public:
  EventConsumer(RedisClient& redis, ReferralEngine& engine, MetricsRegistry& metrics,
                const EventConsumerOptions& options);

  void Start() { worker_.Start(); }
  void Stop() { worker_.Stop(); }
  int PollOnce(int block_ms) { return worker_.PollOnce(block_ms); }

 private:
  ReferralEngine& engine_;
  ProcessedEventsPurger purger_;
  EventStreamWorker<::clienttier::profile::v1::ProfileEvent> worker_;
};

}  // namespace clienttier::referral
