#include "common/outbox/outbox_backlog_monitor.h"

#include <algorithm>

#include "common/db/sql_helpers.h"
#include "common/errors/domain_error.h"

namespace clienttier {

OutboxBacklog ReadOutboxBacklog(MySqlPool& pool, int64_t count_cap) {
  OutboxBacklog backlog;
  pool.WithConnection([&](sql::Connection& connection) {
    // Both use ix_outbox_pending (published_at, id): the rows waiting are one range of it.
    auto count = Prepare(connection,
                         "SELECT COUNT(*) FROM (SELECT id FROM outbox WHERE published_at IS NULL"
                         " LIMIT ?) AS waiting");
    count->setInt64(1, count_cap);
    auto counted = Query(*count);
    backlog.unpublished_rows = counted->next() ? counted->getInt64(1) : 0;
    if (backlog.unpublished_rows == 0) {
      return;
    }
    auto oldest = Prepare(connection,
                          "SELECT TIMESTAMPDIFF(MICROSECOND, created_at, UTC_TIMESTAMP(6))"
                          " FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT 1");
    auto row = Query(*oldest);
    if (row->next()) {
      backlog.oldest_unpublished_age_seconds =
          static_cast<double>(std::max<int64_t>(row->getInt64(1), 0)) / 1e6;
    }
  });
  return backlog;
}

OutboxBacklogMonitor::OutboxBacklogMonitor(MySqlPool& pool, MetricsRegistry& metrics,
                                           Options options)
    : pool_(pool),
      options_(options),
      failures_(metrics.GetCounter("ct_outbox_backlog_monitor_failures_total",
                                   "Outbox backlog polls that failed (MySQL unavailable)")),
      figures_(std::make_shared<Figures>()),
      poller_("outbox-backlog-monitor", options.interval, [this] { PollOnce(); }) {
  std::shared_ptr<Figures> figures = figures_;
  metrics.AddGauge("ct_outbox_unpublished_rows",
                   "Outbox rows the relay has not published yet (a row holds one commit's events "
                   "for one stream)",
                   {}, [figures] { return figures->unpublished_rows.load(); });
  metrics.AddGauge("ct_outbox_oldest_unpublished_age_seconds",
                   "Age of the oldest unpublished outbox row (0 when none waits)", {},
                   [figures] { return figures->oldest_unpublished_age_seconds.load(); });
}

OutboxBacklogMonitor::~OutboxBacklogMonitor() { Stop(); }

void OutboxBacklogMonitor::Start() { poller_.Start(); }

void OutboxBacklogMonitor::Stop() { poller_.Stop(); }

void OutboxBacklogMonitor::PollOnce() {
  std::lock_guard<std::mutex> lock(poll_mutex_);
  try {
    const OutboxBacklog backlog = ReadOutboxBacklog(pool_, options_.count_cap);
    figures_->unpublished_rows.store(static_cast<double>(backlog.unpublished_rows));
    figures_->oldest_unpublished_age_seconds.store(backlog.oldest_unpublished_age_seconds);
  } catch (const DomainError&) {
    failures_.Increment();
    throw;
  }
}

}  // namespace clienttier
