#include "services/scoring/storage/mysql/mysql_client_range.h"

#include "common/db/sql_helpers.h"

namespace clienttier::scoring {

std::string ClientRangeSql::From(const std::string& table, const std::string& shard_index) const {
  return range_.buckets.empty() ? table : table + " FORCE INDEX (" + shard_index + ")";
}

std::string ClientRangeSql::Where() const {
  std::string sql;
  if (!range_.buckets.empty()) {
    sql += " AND shard_bucket IN (" + Placeholders(range_.buckets.size()) + ")";
  }
  sql += " AND client_id > ?";
  if (range_.last_client_id) {
    sql += " AND client_id <= ?";
  }
  return sql;
}

int ClientRangeSql::Bind(sql::PreparedStatement& statement, const std::string& tenant_id) const {
  int index = 1;
  statement.setString(index++, tenant_id);
  for (const int bucket : range_.buckets) {
    statement.setInt(index++, bucket);
  }
  statement.setString(index++, range_.after_client_id);
  if (range_.last_client_id) {
    statement.setString(index++, *range_.last_client_id);
  }
  return index;
}

}  // namespace clienttier::scoring
