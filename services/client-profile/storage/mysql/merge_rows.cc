#include "services/client-profile/storage/mysql/merge_rows.h"

#include "common/db/sql_helpers.h"

namespace clienttier::profile {

int64_t MoveActivity(sql::Connection& connection, const std::string& tenant_id,
                     const std::string& duplicate_id, const std::string& survivor_id) {
  int64_t moved = 0;
  for (const char* table : {"transactions", "interactions"}) {
    auto move = Prepare(connection, std::string("UPDATE ") + table +
                                        " SET client_id = ? WHERE tenant_id = ? AND client_id = ?");
    move->setString(1, survivor_id);
    move->setString(2, tenant_id);
    move->setString(3, duplicate_id);
    moved += move->executeUpdate();
  }
  return moved;
}

void InsertMerge(sql::Connection& connection, const std::string& tenant_id,
                 const std::string& duplicate_id, const std::string& survivor_id, UnixMicros now,
                 const std::string& key_id) {
  auto insert = Prepare(connection,
                        "INSERT INTO client_merges (tenant_id, duplicate_id, survivor_id,"
                        " merged_at, key_id) VALUES (?, ?, ?, ?, ?)");
  insert->setString(1, tenant_id);
  insert->setString(2, duplicate_id);
  insert->setString(3, survivor_id);
  insert->setString(4, FormatSqlDatetime(now));
  insert->setString(5, key_id);
  insert->executeUpdate();
}

}  // namespace clienttier::profile
