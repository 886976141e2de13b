#pragma once

#include <memory>
#include <string>

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

namespace clienttier {

using PreparedStatementPtr = std::unique_ptr<sql::PreparedStatement>;
using ResultSetPtr = std::unique_ptr<sql::ResultSet>;

inline PreparedStatementPtr Prepare(sql::Connection& connection, const std::string& sql) {
  return PreparedStatementPtr(connection.prepareStatement(sql));
}

inline ResultSetPtr Query(sql::PreparedStatement& statement) {
  return ResultSetPtr(statement.executeQuery());
}

// "?, ?, ?" with `count` placeholders, for IN lists and multi-row inserts. Only placeholders
// are generated; values are always bound.
std::string Placeholders(size_t count);
// "(?, ?), (?, ?)" — `rows` groups of `columns` placeholders.
std::string RowPlaceholders(size_t rows, size_t columns);

}  // namespace clienttier
