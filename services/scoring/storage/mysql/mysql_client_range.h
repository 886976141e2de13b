#pragma once

#include <string>

#include <cppconn/prepared_statement.h>

#include "services/scoring/storage/client_range.h"

namespace clienttier::scoring {

// A ClientRange in a statement over one per-client table: `From(table, shard_index)` goes after
// FROM ("client_activity_days FORCE INDEX (client_activity_days_by_shard)" when the range names
// buckets, the bare table otherwise), `Where()` after "WHERE tenant_id = ?", and Bind() binds
// the tenant and the range from parameter 1 on, returning the next free parameter index. With
// buckets the index is forced: with after_client_id empty, the primary key's range would look
// as selective as the shard index's (the whole tenant either way), and MariaDB might scan it.
class ClientRangeSql {
 public:
  explicit ClientRangeSql(const ClientRange& range) : range_(range) {}

  std::string From(const std::string& table, const std::string& shard_index) const;
  // " AND shard_bucket IN (?, ...) AND client_id > ? [AND client_id <= ?]"
  std::string Where() const;
  int Bind(sql::PreparedStatement& statement, const std::string& tenant_id) const;

 private:
  const ClientRange& range_;
};

}  // namespace clienttier::scoring
