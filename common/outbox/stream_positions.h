#pragma once

#include <map>
#include <optional>
#include <string>

#include <cppconn/connection.h>

namespace clienttier {

// The relay's record of the last entry it published and marked on each stream (table
// outbox_stream_position, migration 004). Only the relay holding the leader lock writes it, on
// its own connection; see common/outbox/README.md for why the position lives in MySQL.
std::optional<std::string> LoadStreamPosition(sql::Connection& connection,
                                              const std::string& stream);
std::map<std::string, std::string> LoadStreamPositions(sql::Connection& connection);
// Inserts or moves the positions (stream -> entry id).
void SaveStreamPositions(sql::Connection& connection,
                         const std::map<std::string, std::string>& positions);
// After a stream was lost: the next publication starts a new record.
void ForgetStreamPosition(sql::Connection& connection, const std::string& stream);

}  // namespace clienttier
