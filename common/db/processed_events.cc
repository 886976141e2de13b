#include "common/db/processed_events.h"

#include <memory>
#include <set>

#include <cppconn/statement.h>

#include "common/db/mysql_pool.h"
#include "common/db/sql_helpers.h"
#include "common/db/sql_text.h"
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

namespace {

// Reads which ids are recorded, then records the rest: right whatever the batch holds.
std::vector<bool> LookUpThenRecord(
    sql::Connection& connection,
    const std::vector<std::pair<std::string, std::string>>& event_and_tenant_ids, UnixMicros now) {
  std::vector<bool> fresh(event_and_tenant_ids.size(), false);
  if (event_and_tenant_ids.empty()) {
    return fresh;
  }
  SqlText select(connection);
  select.Sql("SELECT event_id FROM processed_events WHERE event_id IN (");
  for (const auto& [event_id, tenant_id] : event_and_tenant_ids) {
    select.Str(event_id);
  }
  std::set<std::string> seen;
  auto rows = select.Sql(")").Query();
  while (rows->next()) {
    seen.insert(rows->getString(1));
  }
  std::vector<size_t> inserts;
  for (size_t i = 0; i < event_and_tenant_ids.size(); ++i) {
    if (seen.insert(event_and_tenant_ids[i].first).second) {
      fresh[i] = true;
      inserts.push_back(i);
    }
  }
  if (inserts.empty()) {
    return fresh;
  }
  SqlText insert(connection);
  insert.Sql("INSERT INTO processed_events (event_id, tenant_id, processed_at) VALUES ");
  const std::string processed_at = FormatSqlDatetime(now);
  for (const size_t i : inserts) {
    insert.Row()
        .Str(event_and_tenant_ids[i].first)
        .Str(event_and_tenant_ids[i].second)
        .Str(processed_at);
  }
  insert.Execute();
  return fresh;
}

// Ids that fit every schema's processed_events columns untruncated (scoring's event_id is
// CHAR(36)): INSERT IGNORE would otherwise truncate a longer one silently.
bool FitsColumns(const std::vector<std::pair<std::string, std::string>>& event_and_tenant_ids) {
  for (const auto& [event_id, tenant_id] : event_and_tenant_ids) {
    if (event_id.size() > 36 || tenant_id.size() > 64) {
      return false;
    }
  }
  return true;
}

void Execute(sql::Connection& connection, const char* statement) {
  std::unique_ptr<sql::Statement>(connection.createStatement())->execute(statement);
}

}  // namespace

std::vector<bool> MarkEventsProcessed(
    sql::Connection& connection,
    const std::vector<std::pair<std::string, std::string>>& event_and_tenant_ids, UnixMicros now) {
  std::set<std::string> distinct;
  for (const auto& ids : event_and_tenant_ids) {
    distinct.insert(ids.first);
  }
  if (distinct.size() != event_and_tenant_ids.size() || !FitsColumns(event_and_tenant_ids)) {
    return LookUpThenRecord(connection, event_and_tenant_ids, now);
  }
  // The usual batch has no id seen before: one insert, whose count of rows written proves it,
  // instead of a read and an insert. Otherwise it is undone and the ids are looked up.
  Execute(connection, "SAVEPOINT ct_mark_processed");
  SqlText insert(connection);
  insert.Sql("INSERT IGNORE INTO processed_events (event_id, tenant_id, processed_at) VALUES ");
  const std::string processed_at = FormatSqlDatetime(now);
  for (const auto& [event_id, tenant_id] : event_and_tenant_ids) {
    insert.Row().Str(event_id).Str(tenant_id).Str(processed_at);
  }
  if (insert.Execute() == static_cast<int>(event_and_tenant_ids.size())) {
    return std::vector<bool>(event_and_tenant_ids.size(), true);
  }
  Execute(connection, "ROLLBACK TO SAVEPOINT ct_mark_processed");
  return LookUpThenRecord(connection, event_and_tenant_ids, now);
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
