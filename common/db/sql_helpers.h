#pragma once

#include <cstddef>
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

// Values per IN (...) list of keys: MariaDB turns a list of 1,000 or more into a subquery
// (in_predicate_conversion_threshold) and may then scan the tenant's rows instead of looking
// each key up, depending on the table's statistics (services/scoring/README.md "Long IN lists
// and MariaDB's plans"). Below it, a list of primary keys is one lookup per value.
constexpr size_t kKeysPerInList = 500;

// "?, ?, ?" with `count` placeholders, for IN lists and multi-row inserts. Only placeholders
// are generated; values are always bound.
std::string Placeholders(size_t count);
// "(?, ?), (?, ?)" — `rows` groups of `columns` placeholders.
std::string RowPlaceholders(size_t rows, size_t columns);

}  // namespace clienttier
