#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include "common/db/row_values.h"

namespace sql::mysql {
class MySQL_Connection;
}  // namespace sql::mysql

namespace clienttier {

// A statement sent once as text, with its values written in as literals escaped by the
// connection itself (mysql_real_escape_string, which knows the connection's character set and
// SQL mode). Prepare() makes a server-side prepared statement that this code base uses once and
// closes: a round trip more than text, and for a batch of thousands of values a metadata packet
// per placeholder and an allocation per bound value. Use SqlText on hot paths (per batch, per
// event); elsewhere Prepare() reads as well and the cost does not matter.
//
//   SqlText insert(connection);
//   insert.Sql("INSERT INTO t (a, b) VALUES ");
//   for (const Item& item : items) insert.Row().Str(item.a).Int(item.b);
//   insert.Execute();
//
// Values in a row or list are separated by commas on their own; Sql() text is written as is and
// must never carry a value.
class SqlText final : public RowValues {
 public:
  explicit SqlText(sql::Connection& connection);

  // Trusted SQL text (keywords, names, operators), written as is.
  SqlText& Sql(std::string_view text);
  // Opens the next "(...)" row of a multi-row VALUES list.
  SqlText& Row();
  SqlText& Str(std::string_view value) override;
  SqlText& Int(int64_t value) override;
  // Written with 17 significant digits, so the column gets the same double back.
  SqlText& Double(double value) override;
  // Bytes of any value (a serialized proto) as a hex literal X'..': nothing to escape, and
  // never read as text in the connection's character set.
  SqlText& Bytes(std::string_view value) override;
  SqlText& Null() override;
  // The values as a comma-separated list, for IN (...).
  SqlText& StrList(const std::vector<std::string>& values);

  // Runs an INSERT/UPDATE/DELETE; returns the rows it affected.
  int Execute();
  // Runs a SELECT. The result stays readable while this SqlText lives.
  std::unique_ptr<sql::ResultSet> Query();

  const std::string& text();

 private:
  void BeforeValue();
  void CloseRow();

  sql::Connection& connection_;
  sql::mysql::MySQL_Connection& escaper_;  // the same connection, as the driver's type
  std::unique_ptr<sql::Statement> statement_;
  std::string text_;
  bool after_value_ = false;
  bool row_open_ = false;
  bool any_row_ = false;
};

}  // namespace clienttier
