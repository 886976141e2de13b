#include "services/client-profile/storage/mysql/mysql_record_settings_repository.h"

#include <utility>

#include "common/db/sql_helpers.h"
#include "common/time/utc_time.h"

namespace clienttier::profile {

std::optional<v1::RecordSettings> MySqlRecordSettingsRepository::Get(const std::string& tenant_id) {
  std::optional<v1::RecordSettings> found;
  pool_.WithConnection([&](sql::Connection& connection) {
    auto select = Prepare(
        connection, "SELECT earliest_record, version FROM record_settings WHERE tenant_id = ?");
    select->setString(1, tenant_id);
    auto rows = Query(*select);
    if (rows->next()) {
      v1::RecordSettings settings;
      *settings.mutable_earliest_record() = ToProtoTimestamp(ParseSqlDatetime(rows->getString(1)));
      settings.set_version(rows->getInt64(2));
      found = std::move(settings);
    }
  });
  return found;
}

v1::RecordSettings MySqlRecordSettingsRepository::Put(const std::string& tenant_id,
                                                      const v1::RecordSettings& settings,
                                                      UnixMicros now) {
  v1::RecordSettings stored = settings;
  pool_.InTransaction([&](sql::Connection& connection) {
    // The version is read under the row lock, so two admins' puts are numbered in order.
    auto upsert = Prepare(connection,
                          "INSERT INTO record_settings (tenant_id, earliest_record, version,"
                          " updated_at) VALUES (?, ?, 1, ?) ON DUPLICATE KEY UPDATE"
                          " earliest_record = VALUES(earliest_record), version = version + 1,"
                          " updated_at = VALUES(updated_at)");
    upsert->setString(1, tenant_id);
    upsert->setString(2, FormatSqlDatetime(FromProtoTimestamp(settings.earliest_record())));
    upsert->setString(3, FormatSqlDatetime(now));
    upsert->executeUpdate();
    auto select = Prepare(connection, "SELECT version FROM record_settings WHERE tenant_id = ?");
    select->setString(1, tenant_id);
    auto rows = Query(*select);
    rows->next();
    stored.set_version(rows->getInt64(1));
  });
  return stored;
}

}  // namespace clienttier::profile
