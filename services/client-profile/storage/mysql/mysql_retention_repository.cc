#include "services/client-profile/storage/mysql/mysql_retention_repository.h"

#include <string>

#include "common/db/sql_helpers.h"
#include "common/time/utc_time.h"

namespace clienttier::profile {

std::vector<std::string> MySqlRetentionRepository::InactiveClients(const std::string& tenant_id,
                                                                   UnixMicros before, int limit) {
  std::vector<std::string> ids;
  const std::string cutoff = FormatSqlDatetime(before);
  pool_.WithConnection([&](sql::Connection& connection) {
    // Both NOT EXISTS probe the (tenant_id, client_id, occurred_at) indexes from the newest end.
    auto select = Prepare(connection,
                          "SELECT c.client_id FROM clients c WHERE c.tenant_id = ? AND"
                          " c.erased = 0 AND c.updated_at < ? AND NOT EXISTS (SELECT 1 FROM"
                          " transactions t WHERE t.tenant_id = c.tenant_id AND t.client_id ="
                          " c.client_id AND t.occurred_at >= ?) AND NOT EXISTS (SELECT 1 FROM"
                          " interactions i WHERE i.tenant_id = c.tenant_id AND i.client_id ="
                          " c.client_id AND i.occurred_at >= ?) ORDER BY c.client_id LIMIT ?");
    select->setString(1, tenant_id);
    select->setString(2, cutoff);
    select->setString(3, cutoff);
    select->setString(4, cutoff);
    select->setInt(5, limit);
    for (auto rows = Query(*select); rows->next();) {
      ids.push_back(rows->getString(1));
    }
  });
  return ids;
}

int64_t MySqlRetentionRepository::DeleteInteractionsBefore(const std::string& tenant_id,
                                                           UnixMicros before, bool dry_run) {
  const std::string cutoff = FormatSqlDatetime(before);
  int64_t count = 0;
  if (dry_run) {
    pool_.WithConnection([&](sql::Connection& connection) {
      auto select = Prepare(connection,
                            "SELECT COUNT(*) FROM interactions WHERE tenant_id = ? AND"
                            " occurred_at < ?");
      select->setString(1, tenant_id);
      select->setString(2, cutoff);
      auto rows = Query(*select);
      count = rows->next() ? rows->getInt64(1) : 0;
    });
    return count;
  }
  // In chunks, each its own transaction, so a purge of years of data holds no lock for long;
  // a purge stopped halfway leaves whole chunks deleted and the rest for the next run.
  constexpr int kChunk = 10000;
  int deleted = kChunk;
  while (deleted == kChunk) {
    pool_.InTransaction([&](sql::Connection& connection) {
      auto remove = Prepare(connection,
                            "DELETE FROM interactions WHERE tenant_id = ? AND occurred_at < ?"
                            " LIMIT " +
                                std::to_string(kChunk));
      remove->setString(1, tenant_id);
      remove->setString(2, cutoff);
      deleted = remove->executeUpdate();
    });
    count += deleted;
  }
  return count;
}

}  // namespace clienttier::profile
