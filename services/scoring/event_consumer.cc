#include "services/scoring/event_consumer.h"

#include <chrono>

#include "common/errors/domain_error.h"
#include "common/observability/logger.h"
#include "services/scoring/storage/aggregate_store.h"

namespace clienttier::scoring {

namespace pv1 = ::clienttier::profile::v1;

namespace {
constexpr char kProfileStream[] = "ct:events:profile";
constexpr auto kRetryPause = std::chrono::milliseconds(500);
}  // namespace

EventConsumer::EventConsumer(RedisClient& redis, ScoringEngine& engine, MetricsRegistry& metrics,
                             EventConsumerOptions options)
    : stream_(redis, kProfileStream, options.group, options.consumer_name, options.claim_idle_ms),
      engine_(engine),
      options_(std::move(options)),
      applied_(metrics.GetCounter("ct_scoring_events_applied_total",
                                  "Profile events applied to aggregates and rescored")),
      duplicates_(metrics.GetCounter("ct_scoring_events_duplicate_total",
                                     "Profile events skipped because they were already applied")),
      failures_(metrics.GetCounter("ct_scoring_event_failures_total",
                                   "Profile events that failed and will be redelivered")),
      poison_(metrics.GetCounter("ct_scoring_events_unreadable_total",
                                 "Stream entries without a parseable event, acknowledged and "
                                 "dropped")) {}

EventConsumer::~EventConsumer() { Stop(); }

void EventConsumer::Start() {
  stopping_ = false;
  try {
    stream_.EnsureGroup(options_.start_id);
    group_ready_ = true;
  } catch (const DomainError& error) {
    LogWarning("consumer group not created yet; will retry", {{"detail", error.what()}});
  }
  thread_ = std::thread([this] { Run(); });
}

void EventConsumer::Stop() {
  stopping_ = true;
  if (thread_.joinable()) {
    thread_.join();
  }
}

int EventConsumer::PollOnce(int block_ms) {
  if (!group_ready_) {
    stream_.EnsureGroup(options_.start_id);
    group_ready_ = true;
  }
  const std::vector<StreamEntry> entries = stream_.Read(options_.batch, block_ms);
  std::vector<std::string> done;
  std::vector<pv1::ProfileEvent> events;
  std::vector<std::string> event_entry_ids;
  for (const StreamEntry& entry : entries) {
    pv1::ProfileEvent event;
    const auto payload = entry.fields.find("payload");
    if (payload == entry.fields.end() || !event.ParseFromString(payload->second) ||
        event.event_id().empty() || event.tenant_id().empty()) {
      poison_.Increment();
      LogWarning("dropping unreadable profile event", {{"stream_id", entry.id}});
      done.push_back(entry.id);
      continue;
    }
    events.push_back(std::move(event));
    event_entry_ids.push_back(entry.id);
  }
  const auto count = [this](size_t total, int applied) {
    applied_.Increment(static_cast<uint64_t>(applied));
    duplicates_.Increment(total - static_cast<uint64_t>(applied));
  };
  try {
    // The whole read in one transaction; the usual case.
    count(events.size(), engine_.ApplyProfileEvents(events));
    done.insert(done.end(), event_entry_ids.begin(), event_entry_ids.end());
  } catch (const DomainError&) {
    // One at a time, so one failing event does not hold back the rest. The first that fails
    // stays unacknowledged (claimed again after claim_idle_ms), and so do the ones after it,
    // keeping a client's events in order.
    for (size_t i = 0; i < events.size(); ++i) {
      try {
        count(1, engine_.ApplyProfileEvent(events[i]) ? 1 : 0);
        done.push_back(event_entry_ids[i]);
      } catch (const DomainError& error) {
        failures_.Increment();
        Logger::LogRateLimited("scoring-event-failed", std::chrono::seconds(5), Severity::kWarning,
                               "profile event failed; will retry",
                               {{"event_id", events[i].event_id()}, {"detail", error.what()}});
        break;
      }
    }
  }
  if (!done.empty()) {
    stream_.Ack(done);
  }
  return static_cast<int>(done.size());
}

void EventConsumer::PurgeOldEventIds() {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_purge_) {
    return;
  }
  next_purge_ = now + std::chrono::hours(1);
  const UnixMicros older_than =
      engine_.clock().Now() - int64_t{options_.dedupe_retention_days} * kMicrosPerDay;
  int purged = 0;
  engine_.pool().WithConnection([&](sql::Connection& connection) {
    // In slices of 10,000 rows, so no single statement holds locks for long.
    for (int slice = 0; slice < 100; ++slice) {
      const int rows = AggregateStore::PurgeProcessed(connection, older_than);
      purged += rows;
      if (rows == 0) {
        break;
      }
    }
  });
  if (purged > 0) {
    LogInfo("purged processed event ids", {{"rows", purged}});
  }
}

void EventConsumer::Run() {
  while (!stopping_) {
    try {
      PurgeOldEventIds();
      PollOnce(options_.block_ms);
    } catch (const std::exception& error) {
      Logger::LogRateLimited("scoring-consumer", std::chrono::seconds(5), Severity::kWarning,
                             "event consumer paused", {{"detail", error.what()}});
      group_ready_ = false;  // Redis may have lost the group with its data
      std::this_thread::sleep_for(kRetryPause);
    }
  }
}

}  // namespace clienttier::scoring
