#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/errors/domain_error.h"
#include "common/observability/logger.h"
#include "common/observability/metrics.h"
#include "common/redis/dead_letters.h"
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
  // An event whose apply failed on this many deliveries for a reason of its own moves to the
  // group's dead-letter stream (DeadLetterStream). See IsOutage for what does not count.
  int max_deliveries = 5;
  std::string metric_prefix;  // "ct_scoring_events": _applied_total, _duplicate_total, ...
};

// A failure that says nothing about the event: a dependency is down or timed out (MySQL,
// Redis, a peer), a version moved on or the transaction lost a deadlock past its retries
// (kConflict), or this service's own credentials are refused. Every event would fail the same
// way, so none of them is dead-lettered for it; the consumer retries until the dependency is
// back. Every other failure (bad data, a broken rule, a bug, a row that does not fit) is the
// event's own and repeats on every delivery.
inline bool IsOutage(const std::exception& error) {
  const auto* domain = dynamic_cast<const DomainError*>(&error);
  if (domain == nullptr) {
    return false;
  }
  switch (domain->kind()) {
    case ErrorKind::kUnavailable:
    case ErrorKind::kConflict:
    case ErrorKind::kUnauthenticated:
    case ErrorKind::kPermissionDenied:
      return true;
    default:
      return false;
  }
}

// Consumes one stream in a consumer group on its own thread and hands each read to the service:
// the whole read through `apply_batch` (one transaction, the usual case), and after a batch that
// failed for a reason of its own (not IsOutage) one event at a time through `apply_one`. An
// event that fails holds back the events of its tenant behind it in the read, so a tenant's
// events stay in order; other tenants' events are applied (every row is tenant-scoped, so no
// order runs across tenants). One tenant's poison event thus costs no other tenant a claim
// interval (claim_idle_ms, 30 s) per delivery. An entry is acknowledged
// only after it was applied, so a crash at any point redelivers it; the service's event-id
// dedupe makes the redelivery a no-op.
//
// Poison events: an entry without a parseable event goes to the group's dead-letter stream at
// once (a parse never heals). An event whose apply fails for a reason of its own (not IsOutage)
// is retried on each claim; once XPENDING's delivery count has reached max_deliveries it goes
// to the dead-letter stream with its error, acknowledged, and the events behind it are applied.
// Deliveries that say nothing about an event do not count: after an outage failure the count
// of the failed event and of those behind it is set back to 0, and so is the count of events
// that were delivered but not tried because an earlier one failed.
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
        dead_letters_(redis, options.stream, options.group),
        options_(std::move(options)),
        handlers_(std::move(handlers)),
        applied_(metrics.GetCounter(options_.metric_prefix + "_applied_total",
                                    "Events from " + options_.stream + " applied")),
        duplicates_(metrics.GetCounter(options_.metric_prefix + "_duplicate_total",
                                       "Events skipped because they were already applied")),
        failures_(metrics.GetCounter(options_.metric_prefix + "_failures_total",
                                     "Events that failed and will be redelivered")),
        unreadable_(metrics.GetCounter(options_.metric_prefix + "_unreadable_total",
                                       "Stream entries without a parseable event, moved to the "
                                       "dead-letter stream at once")),
        dead_lettered_(
            metrics.GetCounter(options_.metric_prefix + "_dead_lettered_total",
                               "Events moved to the dead-letter stream " +
                                   DeadLetterStream::NameFor(options_.stream, options_.group) +
                                   " (unreadable, or failed on max_deliveries deliveries)")),
        delay_(metrics.GetHistogram(
            options_.metric_prefix + "_delay_seconds",
            "Time from an event's entry on " + options_.stream +
                " (the entry id's milliseconds, Redis's clock) to its acknowledgement after "
                "it was applied, per event: how stale the group's view is",
            MetricsRegistry::DelayBucketsSeconds())),
        read_events_(metrics.GetHistogram(
            options_.metric_prefix + "_read_events",
            "Events per read of " + options_.stream +
                " applied in one transaction: reads grow when the consumer falls behind",
            {1, 10, 50, 100, 500, 1000, 5000, 20000, 50000})),
        read_apply_(metrics.GetHistogram(
            options_.metric_prefix + "_read_apply_seconds",
            "Time to apply one read of " + options_.stream +
                " in its transaction (lock waits and retries included), per read",
            MetricsRegistry::LatencyBucketsSeconds())),
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
    std::vector<StreamEntry> entries = stream_.Read(options_.batch, block_ms);
    try {
      return ApplyAndAck(entries);
    } catch (...) {
      // Whatever failed after the read (a Redis call of the outage path, the ack), the read's
      // entries stay delivered to this consumer and unacknowledged: read them again first.
      // Otherwise they wait for a claim, claim_idle_ms (30 s) later.
      stream_.RecheckOwnPending();
      throw;
    }
  }

 private:
  int ApplyAndAck(std::vector<StreamEntry>& entries) {
    std::vector<std::string> done;
    std::vector<Event> events;
    std::vector<StreamEntry> event_entries;
    int dead = 0;
    for (StreamEntry& entry : entries) {
      Event event;
      const auto payload = entry.fields.find("payload");
      if (payload == entry.fields.end() || !event.ParseFromString(payload->second) ||
          event.event_id().empty() || event.tenant_id().empty()) {
        unreadable_.Increment();
        MoveToDeadLetters(entry,
                          "unreadable: no event with an event_id and a tenant_id in 'payload'",
                          stream_.DeliveryCount(entry.id));
        ++dead;
        continue;
      }
      events.push_back(std::move(event));
      event_entries.push_back(std::move(entry));
    }
    if (!events.empty()) {
      dead += ApplyAll(events, event_entries, &done);
    }
    if (!done.empty()) {
      stream_.Ack(done);
      ObserveDelays(done);
    }
    return static_cast<int>(done.size()) + dead;
  }

  void Count(size_t total, int applied) {
    applied_.Increment(static_cast<uint64_t>(applied));
    duplicates_.Increment(total - static_cast<uint64_t>(applied));
  }

  // Applies the read; returns how many events it moved to the dead-letter stream (acknowledged
  // there); the applied ones are added to `done`.
  int ApplyAll(const std::vector<Event>& events, const std::vector<StreamEntry>& entries,
               std::vector<std::string>* done) {
    try {
      const auto started = std::chrono::steady_clock::now();
      Count(events.size(), handlers_.apply_batch(events));
      read_apply_.Observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      read_events_.Observe(static_cast<double>(events.size()));
      for (const StreamEntry& entry : entries) {
        done->push_back(entry.id);
      }
      return 0;
    } catch (const std::exception& error) {
      if (IsOutage(error)) {
        // Says nothing about any of the events: the whole read again after the pause, not
        // one at a time. After a deadlock the dependency is fine, and a read of 20,000 events
        // applied one transaction each took scoring tens of seconds.
        failures_.Increment(events.size());
        stream_.ForgetDeliveries(IdsFrom(entries, 0));
        stream_.RecheckOwnPending();
        paused_for_outage_ = true;
        LogFailure(events.front(), error, "read failed on an outage; will retry", 0);
        return 0;
      }
      // Falls through to one at a time, so one failing event does not hold back the rest.
    }
    int dead = 0;
    std::set<std::string> held_tenants;  // a tenant with an event that failed in this read
    std::vector<std::string> not_tried;  // held back behind their tenant's failed event
    for (size_t i = 0; i < events.size(); ++i) {
      if (held_tenants.count(events[i].tenant_id()) > 0) {
        not_tried.push_back(entries[i].id);
        continue;
      }
      try {
        Count(1, handlers_.apply_one(events[i]) ? 1 : 0);
        done->push_back(entries[i].id);
        continue;
      } catch (const std::exception& error) {
        failures_.Increment();
        if (IsOutage(error)) {
          // Not this event's fault: none of the deliveries so far counts against it or the
          // events behind it. They stay unacknowledged and are this consumer's first read
          // after a pause (StreamConsumer::RecheckOwnPending), in order.
          std::vector<std::string> unapplied = IdsFrom(entries, i);
          unapplied.insert(unapplied.end(), not_tried.begin(), not_tried.end());
          stream_.ForgetDeliveries(unapplied);
          stream_.RecheckOwnPending();
          paused_for_outage_ = true;
          LogFailure(events[i], error, "event failed on an outage; will retry", 0);
          return dead;
        }
        const int64_t deliveries = stream_.DeliveryCount(entries[i].id);
        if (deliveries < options_.max_deliveries) {
          // Retried when claimed (claim_idle_ms), which spaces the tries of a poison event;
          // its tenant's events behind it wait with it.
          held_tenants.insert(events[i].tenant_id());
          LogFailure(events[i], error, "event failed; will retry", deliveries);
          continue;
        }
        MoveToDeadLetters(entries[i], error.what(), deliveries);
        ++dead;
      }
    }
    if (!not_tried.empty()) {
      stream_.ForgetDeliveries(not_tried);
    }
    return dead;
  }

  void ObserveDelays(const std::vector<std::string>& ids) {
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    for (const std::string& id : ids) {
      // "<milliseconds>-<sequence>"; an entry added with an explicit id may not be a time.
      const int64_t added_ms = std::strtoll(id.c_str(), nullptr, 10);
      if (added_ms > 0 && added_ms <= now_ms) {
        delay_.Observe(static_cast<double>(now_ms - added_ms) / 1000.0);
      }
    }
  }

  static std::vector<std::string> IdsFrom(const std::vector<StreamEntry>& entries, size_t first) {
    std::vector<std::string> ids;
    for (size_t i = first; i < entries.size(); ++i) {
      ids.push_back(entries[i].id);
    }
    return ids;
  }

  void LogFailure(const Event& event, const std::exception& error, const char* message,
                  int64_t deliveries) {
    Logger::LogRateLimited(options_.metric_prefix + "-failed", std::chrono::seconds(5),
                           Severity::kWarning, message,
                           {{"stream", options_.stream},
                            {"group", options_.group},
                            {"event_id", event.event_id()},
                            {"deliveries", deliveries},
                            {"max_deliveries", options_.max_deliveries},
                            {"detail", error.what()}});
  }

  void MoveToDeadLetters(const StreamEntry& entry, const std::string& error, int64_t deliveries) {
    dead_letters_.Move(entry, error, deliveries);
    dead_lettered_.Increment();
    const auto event_id = entry.fields.find("event_id");
    LogWarning("event moved to the dead-letter stream",
               {{"stream", options_.stream},
                {"group", options_.group},
                {"dead_letter_stream", dead_letters_.name()},
                {"stream_id", entry.id},
                {"event_id", event_id == entry.fields.end() ? "" : event_id->second},
                {"deliveries", deliveries},
                {"detail", error}});
  }

  void Run() {
    while (!stopping_) {
      try {
        if (handlers_.housekeeping) {
          handlers_.housekeeping();
        }
        PollOnce(options_.block_ms);
        if (paused_for_outage_) {
          // The same events would fail again at once: give the dependency a moment.
          paused_for_outage_ = false;
          std::this_thread::sleep_for(kOutagePause);
        }
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
        std::this_thread::sleep_for(kOutagePause);
      }
    }
  }

  static constexpr std::chrono::milliseconds kOutagePause{500};

  StreamConsumer stream_;
  DeadLetterStream dead_letters_;
  EventStreamOptions options_;
  Handlers handlers_;
  Counter& applied_;
  Counter& duplicates_;
  Counter& failures_;
  Counter& unreadable_;
  Counter& dead_lettered_;
  Histogram& delay_;
  Histogram& read_events_;
  Histogram& read_apply_;
  Counter& group_resets_;
  bool group_ready_ = false;
  bool paused_for_outage_ = false;  // the last read left events pending for an outage
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace clienttier
