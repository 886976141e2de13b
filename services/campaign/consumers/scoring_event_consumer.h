#pragma once

#include <string>

#include "clienttier/scoring/v1/scoring_events.pb.h"
#include "common/redis/event_stream_worker.h"
#include "services/campaign/app/member_sync.h"

namespace clienttier::campaign {

struct ScoringEventConsumerOptions {
  std::string group = "campaign";
  std::string consumer_name;
  std::string start_id = "0";
  int claim_idle_ms = 30000;
  int batch = 200;
};

// Applies ct:events:scoring through MemberSync: each read in one transaction (scores, then the
// welcome and retention triggers; what an event means is domain/member_events), one event at
// a time after a failed read. Processed ids share
// the processed_events table the profile consumer purges.
class ScoringEventConsumer {
 public:
  ScoringEventConsumer(RedisClient& redis, MemberSync& members, MetricsRegistry& metrics,
                       const ScoringEventConsumerOptions& options)
      : worker_(redis, metrics, StreamOptions(options),
                {[&members](const std::vector<scoring::v1::ScoringEvent>& events) {
                   return members.ApplyScoringEvents(events);
                 },
                 [&members](const scoring::v1::ScoringEvent& event) {
                   return members.ApplyScoringEvent(event);
                 },
                 nullptr}) {}

  void Start() { worker_.Start(); }
  void Stop() { worker_.Stop(); }
  int PollOnce(int block_ms) { return worker_.PollOnce(block_ms); }

 private:
  static EventStreamOptions StreamOptions(const ScoringEventConsumerOptions& options) {
    EventStreamOptions stream;
    stream.stream = "ct:events:scoring";
    stream.group = options.group;
    stream.consumer_name = options.consumer_name;
    stream.start_id = options.start_id;
    stream.claim_idle_ms = options.claim_idle_ms;
    stream.batch = options.batch;
    stream.metric_prefix = "ct_campaign_scoring_events";
    return stream;
  }

  EventStreamWorker<scoring::v1::ScoringEvent> worker_;
};

}  // namespace clienttier::campaign
