#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "common/errors/domain_error.h"
#include "common/observability/logger.h"
#include "common/observability/metrics.h"
#include "common/redis/stream_consumer.h"

namespace clienttier {

struct EventStreamOptions {
  std::string stream;         // "ct:events:profile"
  std::string group;          // the consuming service: "scoring"
  std::string consumer_name;  // unique per replica (pod name)
  // Where a new group starts: "0" replays the whole retained stream (a new deployment);
  // tests that create a group per test use "$".
  std::string start_id = "0";
  int batch = 100;
  int block_ms = 200;  // below the Redis command timeout, which also bounds XREADGROUP BLOCK
  int claim_idle_ms = 30000;
  std::string metric_prefix;  // "ct_scoring_events": _applied_total, _duplicate_total, ...
};

// Consumes one stream in a consumer group on its own thread and hands each read to the service:
// the whole read through `apply_batch` (one transaction, the usual case), and after a failed
// batch one event at a time through `apply_one`, stopping at the first failure so a client's
// events stay in order. An entry is acknowledged only after it was applied, so a crash at any
// point redelivers it; the service's event-id dedupe makes the redelivery a no-op.
// `Event` is a proto with event_id() and tenant_id() read from the entry's `payload` field.
template <typename Event>
class EventStreamWorker {
 public:
  struct Handlers {
    // Returns how many were applied; the rest were duplicates.
    std::function<int(const std::vector<Event>&)> apply_batch;
    // Returns false for a duplicate.
    std::function<bool(const Event&)> apply_one;
    // Runs once per loop turn (purges and the like); optional.
    std::function<void()> housekeeping;
  };

  EventStreamWorker(RedisClient& redis, MetricsRegistry& metrics, EventStreamOptions options,
                    Handlers handlers)
      : stream_(redis, options.stream, options.group, options.consumer_name, options.claim_idle_ms),
        options_(std::move(options)),
        handlers_(std::move(handlers)),
        applied_(metrics.GetCounter(options_.metric_prefix + "_applied_total",
                                    "Events from " + options_.stream + " applied")),
        duplicates_(metrics.GetCounter(options_.metric_prefix + "_duplicate_total",
                                       "Events skipped because they were already applied")),
        failures_(metrics.GetCounter(options_.metric_prefix + "_failures_total",
                                     "Events that failed and will be redelivered")),
        unreadable_(metrics.GetCounter(options_.metric_prefix + "_unreadable_total",
                                       "Stream entries without a parseable event, acknowledged "
                                       "and dropped")),
        group_resets_(metrics.GetCounter(
            options_.metric_prefix + "_group_resets_total",
            "Times the consumer group was gone (NOGROUP: Redis lost it) and was created again "
            "from start_id")) {}
  ~EventStreamWorker() { Stop(); }

  // Creates the consumer group (so nothing published after this is missed) and starts the
  // loop. Without Redis the loop creates the group once Redis is back.
  void Start() {
    stopping_ = false;
    try {
      stream_.EnsureGroup(options_.start_id);
      group_ready_ = true;
    } catch (const DomainError& error) {
      LogWarning("consumer group not created yet; will retry",
                 {{"stream", options_.stream}, {"detail", error.what()}});
    }
    thread_ = std::thread([this] { Run(); });
  }

  void Stop() {
    stopping_ = true;
    if (thread_.joinable()) {
      thread_.join();
    }
  }

  // Reads and applies one batch; returns the entries acknowledged. The loop's body, public for
  // tests.
  int PollOnce(int block_ms) {
    if (!group_ready_) {
      stream_.EnsureGroup(options_.start_id);
      group_ready_ = true;
    }
    std::vector<std::string> done;
    std::vector<Event> events;
    std::vector<std::string> event_entry_ids;
    for (const StreamEntry& entry : stream_.Read(options_.batch, block_ms)) {
      Event event;
      const auto payload = entry.fields.find("payload");
      if (payload == entry.fields.end() || !event.ParseFromString(payload->second) ||
          event.event_id().empty() || event.tenant_id().empty()) {
        unreadable_.Increment();
        LogWarning("dropping unreadable event",
                   {{"stream", options_.stream}, {"stream_id", entry.id}});
        done.push_back(entry.id);
        continue;
      }
      events.push_back(std::move(event));
      event_entry_ids.push_back(entry.id);
    }
    if (!events.empty()) {
      ApplyAll(events, event_entry_ids, &done);
    }
    if (!done.empty()) {
      stream_.Ack(done);
    }
    return static_cast<int>(done.size());
  }

 private:
  void Count(size_t total, int applied) {
    applied_.Increment(static_cast<uint64_t>(applied));
    duplicates_.Increment(total - static_cast<uint64_t>(applied));
  }

  void ApplyAll(const std::vector<Event>& events, const std::vector<std::string>& entry_ids,
                std::vector<std::string>* done) {
    try {
      Count(events.size(), handlers_.apply_batch(events));
      done->insert(done->end(), entry_ids.begin(), entry_ids.end());
      return;
    } catch (const DomainError&) {
      // Falls through to one at a time, so one failing event does not hold back the rest.
    }
    for (size_t i = 0; i < events.size(); ++i) {
      try {
        Count(1, handlers_.apply_one(events[i]) ? 1 : 0);
        done->push_back(entry_ids[i]);
      } catch (const DomainError& error) {
        // This one and the ones after it stay unacknowledged and are claimed again after
        // claim_idle_ms, in order.
        failures_.Increment();
        Logger::LogRateLimited(options_.metric_prefix + "-failed", std::chrono::seconds(5),
                               Severity::kWarning, "event failed; will retry",
                               {{"stream", options_.stream},
                                {"event_id", events[i].event_id()},
                                {"detail", error.what()}});
        return;
      }
    }
  }

  void Run() {
    while (!stopping_) {
      try {
        if (handlers_.housekeeping) {
          handlers_.housekeeping();
        }
        PollOnce(options_.block_ms);
      } catch (const std::exception& error) {
        if (std::string(error.what()).find("NOGROUP") != std::string::npos) {
          // Redis lost the group (restarted empty, or the group was deleted). It is created
          // again from start_id ("0": the whole stream); the producer's relay replays what the
          // stream lost (common/outbox/outbox_relay.h) and the dedupe skips what was applied.
          group_resets_.Increment();
          LogWarning("consumer group missing; creating it again",
                     {{"stream", options_.stream},
                      {"group", options_.group},
                      {"start_id", options_.start_id}});
        } else {
          Logger::LogRateLimited(options_.metric_prefix + "-paused", std::chrono::seconds(5),
                                 Severity::kWarning, "event consumer paused",
                                 {{"stream", options_.stream}, {"detail", error.what()}});
        }
        group_ready_ = false;  // Redis may have lost the group with its data
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
      }
    }
  }

  StreamConsumer stream_;
  EventStreamOptions options_;
  Handlers handlers_;
  Counter& applied_;
  Counter& duplicates_;
  Counter& failures_;
  Counter& unreadable_;
  Counter& group_resets_;
  bool group_ready_ = false;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace clienttier
