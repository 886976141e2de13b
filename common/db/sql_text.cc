#include "common/db/sql_text.h"

#include <cmath>
#include <cstdio>
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

SqlText& SqlText::Double(double value) {
  if (!std::isfinite(value)) {
    throw std::invalid_argument("SqlText::Double: not a finite number");
  }
  BeforeValue();
  char buffer[32];
  const int length = std::snprintf(buffer, sizeof(buffer), "%.17g", value);
  text_.append(buffer, static_cast<size_t>(length));
  return *this;
}

SqlText& SqlText::Bytes(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  BeforeValue();
  text_.append("X'");
  const size_t start = text_.size();
  text_.resize(start + 2 * value.size());
  char* out = &text_[start];
  for (const char byte : value) {
    const auto bits = static_cast<unsigned char>(byte);
    *out++ = kHex[bits >> 4];
    *out++ = kHex[bits & 0x0F];
  }
  text_.push_back('\'');
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
