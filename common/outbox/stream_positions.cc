#include "common/outbox/stream_positions.h"

#include "common/db/sql_helpers.h"

namespace clienttier {

std::optional<std::string> LoadStreamPosition(sql::Connection& connection,
                                              const std::string& stream) {
  auto select =
      Prepare(connection, "SELECT last_entry_id FROM outbox_stream_position WHERE stream = ?");
  select->setString(1, stream);
  auto result = Query(*select);
  if (!result->next()) {
    return std::nullopt;
  }
  return std::string(result->getString(1));
}

std::map<std::string, std::string> LoadStreamPositions(sql::Connection& connection) {
  auto select = Prepare(connection, "SELECT stream, last_entry_id FROM outbox_stream_position");
  auto result = Query(*select);
  std::map<std::string, std::string> positions;
  while (result->next()) {
    positions.emplace(result->getString(1), result->getString(2));
  }
  return positions;
}

void SaveStreamPositions(sql::Connection& connection,
                         const std::map<std::string, std::string>& positions) {
  if (positions.empty()) {
    return;
  }
  std::string values;
  for (size_t i = 0; i < positions.size(); ++i) {
    values += i == 0 ? "(?, ?, UTC_TIMESTAMP(6))" : ", (?, ?, UTC_TIMESTAMP(6))";
  }
  auto upsert = Prepare(connection,
                        "INSERT INTO outbox_stream_position (stream, last_entry_id, updated_at)"
                        " VALUES " +
                            values +
                            " ON DUPLICATE KEY UPDATE last_entry_id = VALUES(last_entry_id),"
                            " updated_at = VALUES(updated_at)");
  unsigned index = 1;
  for (const auto& [stream, entry_id] : positions) {
    upsert->setString(index++, stream);
    upsert->setString(index++, entry_id);
  }
  upsert->executeUpdate();
}

void ForgetStreamPosition(sql::Connection& connection, const std::string& stream) {
  auto remove = Prepare(connection, "DELETE FROM outbox_stream_position WHERE stream = ?");
  remove->setString(1, stream);
  remove->executeUpdate();
}

}  // namespace clienttier
