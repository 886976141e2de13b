#include "common/db/processed_events.h"

#include "common/db/mysql_pool.h"
#include "common/db/sql_helpers.h"
#include "common/observability/logger.h"

namespace clienttier {

bool MarkEventProcessed(sql::Connection& connection, const std::string& event_id,
                        const std::string& tenant_id, UnixMicros now) {
  auto insert = Prepare(connection,
                        "INSERT IGNORE INTO processed_events (event_id, tenant_id, processed_at) "
                        "VALUES (?, ?, ?)");
  insert->setString(1, event_id);
  insert->setString(2, tenant_id);
  insert->setString(3, FormatSqlDatetime(now));
  return insert->executeUpdate() == 1;
}

int PurgeProcessedEvents(sql::Connection& connection, UnixMicros older_than) {
  auto purge =
      Prepare(connection, "DELETE FROM processed_events WHERE processed_at < ? LIMIT 10000");
  purge->setString(1, FormatSqlDatetime(older_than));
  return purge->executeUpdate();
}

ProcessedEventsPurger::ProcessedEventsPurger(MySqlPool& pool, const Clock& clock,
                                             int retention_days)
    : pool_(pool), clock_(clock), retention_days_(retention_days) {}

void ProcessedEventsPurger::RunIfDue() {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_run_) {
    return;
  }
  next_run_ = now + std::chrono::hours(1);
  const UnixMicros older_than = clock_.Now() - int64_t{retention_days_} * kMicrosPerDay;
  int purged = 0;
  pool_.WithConnection([&](sql::Connection& connection) {
    for (int slice = 0; slice < 100; ++slice) {
      const int rows = PurgeProcessedEvents(connection, older_than);
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

}  // namespace clienttier
