#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>

#include "common/db/mysql_pool.h"
#include "common/observability/metrics.h"
#include "common/observability/periodic_poller.h"

namespace clienttier {

// What the outbox relay has not published yet.
struct OutboxBacklog {
  // Outbox rows not yet published (a row carries every event of one commit to one stream).
  int64_t unpublished_rows = 0;
  // Age of the oldest of them (the one the relay publishes next), by MySQL's clock, which also
  // stamped created_at; 0 when none is waiting.
  double oldest_unpublished_age_seconds = 0;
};

// Two statements on the outbox's (published_at, id) index: a count of the unpublished rows,
// read from the index alone and stopped at `count_cap` so a huge backlog cannot make the poll
// expensive, and the oldest one by id (one index entry and its row).
OutboxBacklog ReadOutboxBacklog(MySqlPool& pool, int64_t count_cap);

// Publishes the outbox backlog of this service's schema as gauges, polled on a thread of its
// own every `interval`:
//   ct_outbox_unpublished_rows                     capped at count_cap
//   ct_outbox_oldest_unpublished_age_seconds       0 when nothing waits
// Run beside the relay: every replica running a relay reports the same schema's figures, so
// dashboards take max() over pods. While MySQL is down the gauges keep their last values and
// ct_outbox_backlog_monitor_failures_total counts the failed polls.
class OutboxBacklogMonitor {
 public:
  struct Options {
    std::chrono::milliseconds interval{5000};
    int64_t count_cap = 1000000;
  };

  OutboxBacklogMonitor(MySqlPool& pool, MetricsRegistry& metrics, Options options);
  OutboxBacklogMonitor(MySqlPool& pool, MetricsRegistry& metrics)
      : OutboxBacklogMonitor(pool, metrics, Options{}) {}
  ~OutboxBacklogMonitor();
  OutboxBacklogMonitor(const OutboxBacklogMonitor&) = delete;
  OutboxBacklogMonitor& operator=(const OutboxBacklogMonitor&) = delete;

  void Start();
  void Stop();
  // One poll; the thread's body, public for tests.
  void PollOnce();

 private:
  // Shared with the gauges' read callbacks, so a scrape after this monitor is gone still reads
  // valid memory.
  struct Figures {
    std::atomic<double> unpublished_rows{0};
    std::atomic<double> oldest_unpublished_age_seconds{0};
  };

  MySqlPool& pool_;
  Options options_;
  Counter& failures_;
  std::shared_ptr<Figures> figures_;
  std::mutex poll_mutex_;
  PeriodicPoller poller_;
};

}  // namespace clienttier
