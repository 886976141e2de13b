#include "services/scoring/storage/mysql/mysql_rescore_queue.h"

#include <algorithm>
#include <random>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "common/db/sql_helpers.h"
#include "common/db/sql_text.h"
#include "services/scoring/storage/mysql/mysql_client_range.h"

namespace clienttier::scoring {

namespace {

constexpr size_t kRowsPerStatement = 5000;

// Removes name at most this many clients per DELETE: below 1,000, where MariaDB would turn the
// IN list into a subquery (in_predicate_conversion_threshold). With the list as a subquery, two
// drains deleting their own 5,000 taken clients each scanned the tenant's queue rows and
// waited on each other's (14 deadlocks in a 200,000-client demo); as a list of primary keys,
// each DELETE locks only its own rows.
constexpr size_t kClientsPerDelete = 500;

// A queueing's token: random, so a row deleted and queued again (by another replica, whose
// clock may differ) does not come back with a token a reader holds.
int64_t NewToken() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return static_cast<int64_t>(random());
}

}  // namespace

void MySqlRescoreQueue::Add(Transaction& transaction, const std::string& tenant_id,
                            const std::vector<std::string>& client_ids, UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  const std::string queued_at = FormatSqlDatetime(now);
  for (size_t begin = 0; begin < client_ids.size(); begin += kRowsPerStatement) {
    const size_t end = std::min(client_ids.size(), begin + kRowsPerStatement);
    SqlText insert(connection);
    // A client already queued keeps its row and its first queued_at (how long it has waited),
    // and takes the new token.
    insert.Sql("INSERT INTO rescore_queue (tenant_id, client_id, queued_at, token) VALUES ");
    for (size_t i = begin; i < end; ++i) {
      insert.Row().Str(tenant_id).Str(client_ids[i]).Str(queued_at).Int(NewToken());
    }
    insert.Sql(" ON DUPLICATE KEY UPDATE token = VALUES(token)");
    insert.Execute();
  }
}

std::vector<QueuedClients> MySqlRescoreQueue::Take(Transaction& transaction, int limit) {
  // Across tenants, like the outbox: the queue is the service's own work list. SKIP LOCKED
  // (MariaDB 10.6+) lets a second consumer take the next clients instead of waiting.
  SqlText select(ConnectionOf(transaction));
  select.Sql("SELECT tenant_id, client_id FROM rescore_queue ORDER BY tenant_id, client_id LIMIT ")
      .Int(limit)
      .Sql(" FOR UPDATE SKIP LOCKED");
  std::unique_ptr<sql::ResultSet> rows = select.Query();
  std::vector<QueuedClients> queued;
  while (rows->next()) {
    std::string tenant_id = rows->getString(1);
    if (queued.empty() || queued.back().tenant_id != tenant_id) {
      queued.push_back(QueuedClients{std::move(tenant_id), {}});
    }
    queued.back().client_ids.push_back(rows->getString(2));
  }
  return queued;
}

void MySqlRescoreQueue::Remove(Transaction& transaction, const std::string& tenant_id,
                               const std::vector<std::string>& client_ids) {
  sql::Connection& connection = ConnectionOf(transaction);
  for (size_t begin = 0; begin < client_ids.size(); begin += kClientsPerDelete) {
    const size_t end = std::min(client_ids.size(), begin + kClientsPerDelete);
    SqlText remove(connection);
    remove.Sql("DELETE FROM rescore_queue WHERE tenant_id = ")
        .Str(tenant_id)
        .Sql(" AND client_id IN (")
        .StrList(std::vector<std::string>(client_ids.begin() + static_cast<std::ptrdiff_t>(begin),
                                          client_ids.begin() + static_cast<std::ptrdiff_t>(end)))
        .Sql(")")
        .Execute();
  }
}

QueueTokens MySqlRescoreQueue::QueuedInRange(Transaction& transaction, const std::string& tenant_id,
                                             const ClientRange& range) {
  const ClientRangeSql sql(range);
  auto select =
      Prepare(ConnectionOf(transaction), "SELECT client_id, token FROM " +
                                             sql.From("rescore_queue", "rescore_queue_by_shard") +
                                             " WHERE tenant_id = ?" + sql.Where());
  sql.Bind(*select, tenant_id);
  QueueTokens queued;
  for (auto rows = Query(*select); rows->next();) {
    queued.emplace_back(rows->getString(1), rows->getInt64(2));
  }
  return queued;
}

void MySqlRescoreQueue::RemoveUnchanged(Transaction& transaction, const std::string& tenant_id,
                                        const QueueTokens& read) {
  sql::Connection& connection = ConnectionOf(transaction);
  for (size_t begin = 0; begin < read.size(); begin += kClientsPerDelete) {
    const size_t end = std::min(read.size(), begin + kClientsPerDelete);
    // A list of (primary key, token) pairs: MariaDB looks each key up (a range per pair) when
    // the table's statistics are current. With statistics taken while the table was far
    // smaller it may read the tenant's whole range instead, as campaign's outcome keys did
    // (services/campaign/storage/mysql/mysql_outcome_repository.cc); the queue's statistics are
    // recalculated as it fills, and the 1M demo showed no slowdown here. A DELETE cannot take
    // the join from a WITH list those reads use (MariaDB 10.11).
    SqlText remove(connection);
    remove.Sql("DELETE FROM rescore_queue WHERE tenant_id = ")
        .Str(tenant_id)
        .Sql(" AND (client_id, token) IN (");
    for (size_t i = begin; i < end; ++i) {
      remove.Row().Str(read[i].first).Int(read[i].second);
    }
    remove.Sql(")").Execute();
  }
}

int64_t MySqlRescoreQueue::Count(Transaction& transaction, int64_t cap) {
  SqlText count(ConnectionOf(transaction));
  count.Sql("SELECT COUNT(*) FROM (SELECT 1 FROM rescore_queue LIMIT ").Int(cap).Sql(") AS queued");
  std::unique_ptr<sql::ResultSet> row = count.Query();
  return row->next() ? row->getInt64(1) : 0;
}

}  // namespace clienttier::scoring
