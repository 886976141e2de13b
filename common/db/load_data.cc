#include "common/db/load_data.h"

#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <system_error>

#include <cppconn/exception.h>

#include "common/db/sql_text.h"

namespace clienttier {

namespace {

// A private file of the rows, removed when this goes out of scope (also on an error).
class RowsFile {
 public:
  // Empty when no file can be written (e.g. a read-only temporary directory).
  static std::unique_ptr<RowsFile> Write(const std::string& rows) {
    std::error_code error;
    std::string pattern = (std::filesystem::temp_directory_path(error) / "ct-rows-XXXXXX").string();
    const int fd = error ? -1 : mkstemp(pattern.data());  // 0600, a name no one else takes
    if (fd < 0) {
      return nullptr;
    }
    std::unique_ptr<RowsFile> file(new RowsFile(pattern));
    size_t written = 0;
    while (written < rows.size()) {
      const ssize_t n = write(fd, rows.data() + written, rows.size() - written);
      if (n <= 0) {
        close(fd);
        return nullptr;  // the destructor removes it
      }
      written += static_cast<size_t>(n);
    }
    close(fd);
    return file;
  }
  ~RowsFile() { std::remove(path_.c_str()); }
  RowsFile(const RowsFile&) = delete;
  RowsFile& operator=(const RowsFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  explicit RowsFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// What MariaDB raises for an INSERT of a row whose unique key is taken.
constexpr int kDuplicateKeyError = 1062;

// MariaDB 4166 and 1148, MySQL 3948: LOCAL files are off on the server or the client.
bool RefusesLocalFiles(const sql::SQLException& error) {
  const int code = error.getErrorCode();
  return code == 4166 || code == 1148 || code == 3948;
}

}  // namespace

LoadDataRows& LoadDataRows::Row() {
  if (rows_ > 0) {
    text_ += '\n';
  }
  ++rows_;
  row_has_value_ = false;
  return *this;
}

void LoadDataRows::BeforeValue() {
  if (row_has_value_) {
    text_ += '\t';
  }
  row_has_value_ = true;
}

LoadDataRows& LoadDataRows::Str(std::string_view value) {
  BeforeValue();
  // Runs of bytes that need no escape are appended whole (a serialized score is a few hundred
  // bytes, of which few need one): a batch formats a million rows on the cores that score them.
  size_t from = 0;
  for (size_t at = 0; at < value.size(); ++at) {
    const char c = value[at];
    if (c != '\\' && c != '\t' && c != '\n' && c != '\0') {
      continue;
    }
    text_.append(value.data() + from, at - from);
    text_ += '\\';
    text_ += c == '\t' ? 't' : c == '\n' ? 'n' : c == '\0' ? '0' : '\\';
    from = at + 1;
  }
  text_.append(value.data() + from, value.size() - from);
  return *this;
}

LoadDataRows& LoadDataRows::Int(int64_t value) {
  BeforeValue();
  char digits[24];
  const std::to_chars_result end = std::to_chars(std::begin(digits), std::end(digits), value);
  text_.append(digits, end.ptr);
  return *this;
}

LoadDataRows& LoadDataRows::Double(double value) {
  if (!std::isfinite(value)) {
    throw std::invalid_argument("LoadDataRows::Double: not a finite number");
  }
  BeforeValue();
  char digits[32];
  const std::to_chars_result end = std::to_chars(std::begin(digits), std::end(digits), value);
  text_.append(digits, end.ptr);
  return *this;
}

LoadDataRows& LoadDataRows::Null() {
  BeforeValue();
  text_ += "\\N";
  return *this;
}

std::optional<int64_t> LoadRows(sql::Connection& connection, const LoadDataRows& rows,
                                std::string_view table, std::string_view columns,
                                DuplicateRows duplicates) {
  // The last line ends at the end of the file: LOAD DATA needs no newline after it.
  const std::unique_ptr<RowsFile> file = RowsFile::Write(rows.text());
  if (!file) {
    return std::nullopt;
  }
  // The path is ours (mkstemp under the temporary directory), escaped all the same.
  SqlText load(connection);
  load.Sql("LOAD DATA LOCAL INFILE ")
      .Str(file->path())
      .Sql(duplicates == DuplicateRows::kReplace ? " REPLACE" : " IGNORE")
      .Sql(" INTO TABLE ")
      .Sql(table)
      .Sql(" CHARACTER SET utf8mb4 ")
      .Sql(columns);
  try {
    return load.Execute();
  } catch (const sql::SQLException& error) {
    // Refused before anything was loaded: the transaction goes on, and the caller writes the
    // rows as SQL instead.
    if (RefusesLocalFiles(error)) {
      return std::nullopt;
    }
    throw;
  }
}

void InsertRows(sql::Connection& connection, std::string_view table, std::string_view columns,
                size_t count, const std::function<void(RowValues& row, size_t i)>& values) {
  if (count == 0) {
    return;
  }
  if (count >= kLoadDataMinRows) {
    LoadDataRows rows;
    rows.Reserve(count * 128);
    for (size_t i = 0; i < count; ++i) {
      values(rows.Row(), i);
    }
    if (const std::optional<int64_t> loaded =
            LoadRows(connection, rows, table, columns, DuplicateRows::kSkip)) {
      if (*loaded != static_cast<int64_t>(count)) {
        throw sql::SQLException("a row's unique key is taken (LOAD DATA skipped it)", "23000",
                                kDuplicateKeyError);
      }
      return;
    }
  }
  SqlText insert(connection);
  insert.Sql("INSERT INTO ").Sql(table).Sql(" ").Sql(columns).Sql(" VALUES ");
  for (size_t i = 0; i < count; ++i) {
    values(insert.Row(), i);
  }
  insert.Execute();
}

}  // namespace clienttier
