#include "common/db/sql_text.h"

#include <stdexcept>

#include <mysql_connection.h>

namespace clienttier {

namespace {

sql::mysql::MySQL_Connection& DriverConnection(sql::Connection& connection) {
  auto* mysql = dynamic_cast<sql::mysql::MySQL_Connection*>(&connection);
  if (mysql == nullptr) {
    // Escaping needs the driver's connection; a value is never written unescaped.
    throw std::logic_error("SqlText needs a MySQL Connector/C++ connection");
  }
  return *mysql;
}

}  // namespace

SqlText::SqlText(sql::Connection& connection)
    : connection_(connection), escaper_(DriverConnection(connection)) {
  text_.reserve(4096);
}

SqlText& SqlText::Sql(std::string_view text) {
  CloseRow();
  after_value_ = false;
  text_.append(text);
  return *this;
}

SqlText& SqlText::Row() {
  CloseRow();
  text_.append(any_row_ ? ", (" : "(");
  any_row_ = true;
  row_open_ = true;
  after_value_ = false;
  return *this;
}

SqlText& SqlText::Str(std::string_view value) {
  BeforeValue();
  text_.push_back('\'');
  text_.append(escaper_.escapeString(sql::SQLString(value.data(), value.size())).asStdString());
  text_.push_back('\'');
  return *this;
}

SqlText& SqlText::Int(int64_t value) {
  BeforeValue();
  text_.append(std::to_string(value));
  return *this;
}

SqlText& SqlText::Null() {
  BeforeValue();
  text_.append("NULL");
  return *this;
}

SqlText& SqlText::StrList(const std::vector<std::string>& values) {
  for (const std::string& value : values) {
    Str(value);
  }
  return *this;
}

int SqlText::Execute() {
  statement_.reset(connection_.createStatement());
  return statement_->executeUpdate(text());
}

std::unique_ptr<sql::ResultSet> SqlText::Query() {
  statement_.reset(connection_.createStatement());
  return std::unique_ptr<sql::ResultSet>(statement_->executeQuery(text()));
}

const std::string& SqlText::text() {
  CloseRow();
  return text_;
}

void SqlText::BeforeValue() {
  if (after_value_) {
    text_.append(", ");
  }
  after_value_ = true;
}

void SqlText::CloseRow() {
  if (row_open_) {
    text_.push_back(')');
    row_open_ = false;
  }
}

}  // namespace clienttier
