#pragma once

#include <chrono>
#include <memory>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "common/db/mysql_pool.h"
#include "common/events/event_consumer.h"
#include "common/observability/logger.h"
#include "common/server/service_app.h"
#include "services/scoring/app/profile_event_applier.h"
#include "services/scoring/storage/mysql/mysql_processed_event_keys.h"

namespace clienttier::scoring {

// scoring's ct:events:profile consumer (group "scoring"): a whole read in one transaction, each
// touched client rescored once. What an event means is domain/aggregate_change.h; the
// ProfileEventApplier use case applies it.
inline ConsumerOptions ProfileConsumerDefaults() {
  ConsumerOptions options;
  options.group = "scoring";
  options.metric_prefix = "ct_scoring_events";
  // Bigger reads amortise the per-tenant context load, each statement and each client's rescore
  // over more events (a read is still one transaction, written set-based); under a backlog a
  // client's many events in one read cost one rescore. Scoring alone draining a backlog of
  // 200,000 events of 20,000 clients (2 cores shared with MariaDB, issue 16 part 1): 5,000
  // applied ~7,400-8,200 events/s, 20,000 ~9,700, 50,000 ~12,900. Not larger by default: a read
  // holds its clients' rows until it commits, and two consumers of 50,000 in one group queued
  // on each other's rows down to ~3,000/s. A consumer that keeps up reads less anyway.
  options.batch = 20000;
  return options;
}

using ProfileEventConsumer = EventConsumer<profile::v1::ProfileEvent>;

// Housekeeping of the profile consumer: common's hourly purge of processed_events (ids of
// another form) and, as often, the keys of migration 009 made more than `retention_days` ago
// (a key range, in slices of 10,000 rows). The retention exceeds the outbox's replay window
// (7 days), so a replayed event is still recognised.
inline std::function<void()> HourlyProfileEventPurge(MySqlPool& pool, const Clock& clock,
                                                     int retention_days = 8) {
  auto purge_ids = HourlyProcessedEventsPurge(pool, clock, retention_days);
  auto next_run = std::make_shared<std::chrono::steady_clock::time_point>();
  return [purge_ids, next_run, &pool, &clock, retention_days] {
    purge_ids();
    const auto now = std::chrono::steady_clock::now();
    if (now < *next_run) {
      return;
    }
    *next_run = now + std::chrono::hours(1);
    const UnixMicros older_than = clock.Now() - int64_t{retention_days} * kMicrosPerDay;
    int purged = 0;
    pool.WithConnection([&](sql::Connection& connection) {
      for (int slice = 0; slice < 100; ++slice) {
        const int rows = PurgeProcessedEventKeys(connection, older_than);
        purged += rows;
        if (rows == 0) {
          break;
        }
      }
    });
    if (purged > 0) {
      LogInfo("purged processed event keys", {{"rows", purged}});
    }
  };
}

// Between reads: the purge, then the clients a backlog read queued (ProfileEventApplier::
// RescoreQueued, up to four transactions, so the stream is read again within about a second).
inline std::unique_ptr<ProfileEventConsumer> MakeProfileEventConsumer(
    ServiceApp& base, ProfileEventApplier& applier, const ConsumerOptions& options) {
  auto purge = HourlyProfileEventPurge(base.pool(), base.clock());
  Counter& rescored = base.metrics().GetCounter(
      options.metric_prefix + "_queued_rescores_total",
      "clients rescored from the rescore queue that backlog reads filled");
  return MakeEventConsumer(
      base.redis(), base.metrics(), kProfileEventStream, options, applier,
      &ProfileEventApplier::Apply, &ProfileEventApplier::ApplyOne, [purge, &applier, &rescored] {
        purge();
        // A failure (the database is down) must not keep the consumer
        // from its reads, which count and retry their own failures.
        try {
          rescored.Increment(static_cast<uint64_t>(applier.RescoreQueued(4)));
        } catch (const std::exception& error) {
          Logger::LogRateLimited("scoring-rescore-queue", std::chrono::seconds(5),
                                 Severity::kWarning, "rescoring the queued clients failed",
                                 {{"detail", error.what()}});
        }
      });
}

}  // namespace clienttier::scoring
