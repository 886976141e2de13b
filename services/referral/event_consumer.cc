#include "services/referral/event_consumer.h"


namespace clienttier::referral {

namespace pv1 = ::clienttier::profile::v1;

namespace {

EventStreamOptions StreamOptions(const EventConsumerOptions& options) {
  EventStreamOptions stream;
  stream.stream = "ct:events:profile";
  stream.group = options.group;
  stream.consumer_name = options.consumer_name;
  stream.start_id = options.start_id;
  stream.claim_idle_ms = options.claim_idle_ms;
  stream.batch = options.batch;
  stream.metric_prefix = "ct_referral_events";
  return stream;
}

}  // namespace

EventConsumer::EventConsumer(RedisClient& redis, ReferralEngine& engine, MetricsRegistry& metrics,
                             const EventConsumerOptions& options)
    : engine_(engine),
      purger_(engine.pool(), engine.clock(), options.dedupe_retention_days),
      worker_(redis, metrics, StreamOptions(options),
              {[this](const std::vector<pv1::ProfileEvent>& events) {
                 return engine_.ApplyProfileEvents(events);
               },
               [this](const pv1::ProfileEvent& event) {
                 return engine_.ApplyProfileEvent(event);
               },
               [this] { purger_.RunIfDue(); }}) {}

}  // namespace clienttier::referral
