#include "services/campaign/storage/mysql/mysql_segment_repository.h"

#include "common/db/sql_helpers.h"

namespace clienttier::campaign {

namespace {

constexpr char kColumns[] = "segment_id, name, description, rule, version, created_at, updated_at";

v1::Segment ReadSegment(sql::ResultSet& row) {
  v1::Segment segment;
  segment.set_segment_id(row.getString("segment_id"));
  segment.set_name(row.getString("name"));
  segment.set_description(row.getString("description"));
  segment.set_rule(row.getString("rule"));
  segment.set_version(row.getInt64("version"));
  *segment.mutable_created_at() = ToProtoTimestamp(ParseSqlDatetime(row.getString("created_at")));
  *segment.mutable_updated_at() = ToProtoTimestamp(ParseSqlDatetime(row.getString("updated_at")));
  return segment;
}

}  // namespace

void MySqlSegmentRepository::Insert(Transaction& transaction, const std::string& tenant_id,
                                    const v1::Segment& segment, UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto insert = Prepare(connection,
                        "INSERT INTO segments (tenant_id, segment_id, name, description, rule,"
                        " version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)");
  insert->setString(1, tenant_id);
  insert->setString(2, segment.segment_id());
  insert->setString(3, segment.name());
  insert->setString(4, segment.description());
  insert->setString(5, segment.rule());
  insert->setString(6, FormatSqlDatetime(now));
  insert->setString(7, FormatSqlDatetime(now));
  insert->executeUpdate();
}

std::optional<v1::Segment> MySqlSegmentRepository::Find(Transaction& transaction,
                                                        const std::string& tenant_id,
                                                        const std::string& segment_id,
                                                        bool for_update) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto select = Prepare(connection, std::string("SELECT ") + kColumns +
                                        " FROM segments WHERE tenant_id = ? AND segment_id = ?" +
                                        (for_update ? " FOR UPDATE" : ""));
  select->setString(1, tenant_id);
  select->setString(2, segment_id);
  auto rows = Query(*select);
  if (!rows->next()) {
    return std::nullopt;
  }
  return ReadSegment(*rows);
}

void MySqlSegmentRepository::Update(Transaction& transaction, const std::string& tenant_id,
                                    const v1::Segment& segment, UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto update = Prepare(connection,
                        "UPDATE segments SET name = ?, description = ?, rule = ?,"
                        " version = version + 1, updated_at = ?"
                        " WHERE tenant_id = ? AND segment_id = ?");
  update->setString(1, segment.name());
  update->setString(2, segment.description());
  update->setString(3, segment.rule());
  update->setString(4, FormatSqlDatetime(now));
  update->setString(5, tenant_id);
  update->setString(6, segment.segment_id());
  update->executeUpdate();
}

void MySqlSegmentRepository::Delete(Transaction& transaction, const std::string& tenant_id,
                                    const std::string& segment_id) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto erase = Prepare(connection, "DELETE FROM segments WHERE tenant_id = ? AND segment_id = ?");
  erase->setString(1, tenant_id);
  erase->setString(2, segment_id);
  erase->executeUpdate();
}

std::vector<v1::Segment> MySqlSegmentRepository::List(Transaction& transaction,
                                                      const std::string& tenant_id,
                                                      const std::string& after_id, int limit) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto select = Prepare(connection, std::string("SELECT ") + kColumns +
                                        " FROM segments WHERE tenant_id = ? AND segment_id > ?"
                                        " ORDER BY segment_id LIMIT ?");
  select->setString(1, tenant_id);
  select->setString(2, after_id);
  select->setInt(3, limit);
  auto rows = Query(*select);
  std::vector<v1::Segment> segments;
  while (rows->next()) {
    segments.push_back(ReadSegment(*rows));
  }
  return segments;
}

}  // namespace clienttier::campaign
