#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/db/processed_events.h"
#include "common/observability/metrics.h"
#include "common/outbox/streams.h"
#include "common/redis/event_stream_worker.h"
#include "common/redis/redis_client.h"

namespace clienttier {

// A service's settings for one consumer of one stream.
struct ConsumerOptions {
  std::string group;          // the consuming service ("scoring"); tests use one of their own
  std::string metric_prefix;  // "ct_scoring_events": _applied_total, _duplicate_total, ...
  std::string consumer_name;  // unique per replica (pod name)
  // "0" replays the whole retained stream for a new group (a new deployment); tests use "$".
  std::string start_id = "0";
  int claim_idle_ms = 30000;
  int batch = 100;
  // Deliveries that failed for the event's own reason before it moves to the dead-letter stream
  // `<stream>:dead:<group>` (EventStreamWorker, IsOutage).
  int max_deliveries = 5;
};

// The --max-deliveries setting (CT_MAX_DELIVERIES), shared by every consumer of a service.
// With claim_idle_ms between deliveries the default gives a poison event about two minutes of
// retries before its client's later events go on without it.
inline int ReadMaxDeliveries(ConfigReader& reader) {
  return static_cast<int>(reader.Int(
      "max-deliveries", ConsumerOptions{}.max_deliveries, 1, 1000,
      "an event whose apply failed on this many deliveries for a reason of its own (not a "
      "dependency outage) moves to <stream>:dead:<group> (tierctl deadletters)"));
}

template <typename Event>
using EventConsumer = EventStreamWorker<Event>;

// The one way a service makes a stream consumer (see EventStreamWorker for delivery, order and
// acknowledgement). `use_case` is the app/ use case that applies the stream, through two of its
// methods:
//   apply_read: the whole read in one transaction; returns how many were new (the rest were
//               duplicates)
//   apply_one:  one event, after a failed read; false for a duplicate
// `housekeeping` (optional) runs between reads, e.g. HourlyProcessedEventsPurge.
template <typename Event, typename UseCase>
std::unique_ptr<EventConsumer<Event>> MakeEventConsumer(
    RedisClient& redis, MetricsRegistry& metrics, const std::string& stream,
    const ConsumerOptions& options, UseCase& use_case,
    int (UseCase::*apply_read)(const std::vector<Event>&), bool (UseCase::*apply_one)(const Event&),
    std::function<void()> housekeeping = {}) {
  EventStreamOptions stream_options;
  stream_options.stream = stream;
  stream_options.group = options.group;
  stream_options.consumer_name = options.consumer_name;
  stream_options.start_id = options.start_id;
  stream_options.claim_idle_ms = options.claim_idle_ms;
  stream_options.batch = options.batch;
  stream_options.max_deliveries = options.max_deliveries;
  stream_options.metric_prefix = options.metric_prefix;
  typename EventConsumer<Event>::Handlers handlers{
      [&use_case, apply_read](const std::vector<Event>& events) {
        return (use_case.*apply_read)(events);
      },
      [&use_case, apply_one](const Event& event) { return (use_case.*apply_one)(event); },
      std::move(housekeeping)};
  return std::make_unique<EventConsumer<Event>>(redis, metrics, std::move(stream_options),
                                                std::move(handlers));
}

// Housekeeping for a consumer that records processed event ids: purges those older than
// `retention_days` at most once an hour. The retention must exceed the outbox's replay window
// (7 days), so a replayed event is still recognised.
inline std::function<void()> HourlyProcessedEventsPurge(MySqlPool& pool, const Clock& clock,
                                                        int retention_days = 8) {
  auto purger = std::make_shared<ProcessedEventsPurger>(pool, clock, retention_days);
  return [purger] { purger->RunIfDue(); };
}

}  // namespace clienttier
