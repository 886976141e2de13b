#include "tests/support/personal_data_search.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/db/sql_helpers.h"

namespace clienttier::testing {

namespace {

std::string QuoteIdentifier(const std::string& name) {
  std::string quoted = "`";
  for (char c : name) {
    quoted += c;
    if (c == '`') {
      quoted += '`';
    }
  }
  return quoted + "`";
}

void Search(const std::string& place, const std::string& haystack,
            const std::vector<std::string>& needles, std::vector<std::string>& found) {
  for (const std::string& needle : needles) {
    if (haystack.find(needle) != std::string::npos) {
      found.push_back(place + ": " + needle);
    }
  }
}

// Every string inside a reply (arrays flattened), appended with a separator.
void Flatten(const redisReply* reply, std::string& out) {
  if (reply == nullptr) {
    return;
  }
  switch (reply->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      out.append(reply->str, reply->len);
      out += '\x1f';
      break;
    case REDIS_REPLY_ARRAY:
      for (size_t i = 0; i < reply->elements; ++i) {
        Flatten(reply->element[i], out);
      }
      break;
    default:
      break;
  }
}

std::string Text(const redisReply* reply) {
  if (reply == nullptr ||
      (reply->type != REDIS_REPLY_STRING && reply->type != REDIS_REPLY_STATUS)) {
    return "";
  }
  return std::string(reply->str, reply->len);
}

std::string StreamContents(RedisClient& redis, const std::string& key) {
  std::string contents;
  std::string start = "-";
  for (;;) {
    RedisReply page = redis.Command({"XRANGE", key, start, "+", "COUNT", "1000"});
    if (!page || page->type != REDIS_REPLY_ARRAY || page->elements == 0) {
      return contents;
    }
    Flatten(page.get(), contents);
    const redisReply* last = page->element[page->elements - 1];
    start = "(" + Text(last->element[0]);
  }
}

std::string ValueOf(RedisClient& redis, const std::string& key) {
  const std::string type = Text(redis.Command({"TYPE", key}).get());
  std::vector<std::string> read;
  if (type == "string") {
    read = {"GET", key};
  } else if (type == "hash") {
    read = {"HGETALL", key};
  } else if (type == "list") {
    read = {"LRANGE", key, "0", "-1"};
  } else if (type == "set") {
    read = {"SMEMBERS", key};
  } else if (type == "zset") {
    read = {"ZRANGE", key, "0", "-1"};
  } else if (type == "stream") {
    return StreamContents(redis, key);
  } else {
    return "";  // gone since SCAN listed it
  }
  std::string contents;
  Flatten(redis.Command(read).get(), contents);
  return contents;
}

}  // namespace

std::vector<std::string> FindInSchemas(MySqlPool& pool, const std::string& schema_like,
                                       const std::vector<std::string>& needles) {
  std::vector<std::string> found;
  pool.WithConnection([&](sql::Connection& connection) {
    auto columns = Prepare(connection,
                           "SELECT c.TABLE_SCHEMA, c.TABLE_NAME, c.COLUMN_NAME"
                           " FROM information_schema.COLUMNS c JOIN information_schema.TABLES t"
                           " ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME"
                           " WHERE c.TABLE_SCHEMA LIKE ? AND t.TABLE_TYPE = 'BASE TABLE' AND"
                           " c.DATA_TYPE IN ('char', 'varchar', 'tinytext', 'text', 'mediumtext',"
                           " 'longtext', 'binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob',"
                           " 'longblob', 'json', 'enum', 'set')"
                           " ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION");
    columns->setString(1, schema_like);
    struct Column {
      std::string schema, table, column;
    };
    std::vector<Column> all;
    for (auto rows = Query(*columns); rows->next();) {
      all.push_back({rows->getString(1), rows->getString(2), rows->getString(3)});
    }
    if (all.empty()) {
      throw std::runtime_error("no table matches schema pattern " + schema_like);
    }
    for (const Column& column : all) {
      for (const std::string& needle : needles) {
        // Bytes, not collation: a payload column is binary, and a text column holds the
        // needle's UTF-8 bytes verbatim.
        auto count = Prepare(connection, "SELECT COUNT(*) FROM " + QuoteIdentifier(column.schema) +
                                             "." + QuoteIdentifier(column.table) +
                                             " WHERE LOCATE(CAST(? AS BINARY), CAST(" +
                                             QuoteIdentifier(column.column) + " AS BINARY)) > 0");
        count->setString(1, needle);
        auto rows = Query(*count);
        if (rows->next() && rows->getInt64(1) > 0) {
          found.push_back(column.schema + "." + column.table + "." + column.column + " (" +
                          std::to_string(rows->getInt64(1)) + " rows): " + needle);
        }
      }
    }
  });
  return found;
}

std::vector<std::string> FindInRedis(RedisClient& redis, const std::vector<std::string>& needles) {
  std::vector<std::string> found;
  std::string cursor = "0";
  do {
    RedisReply page = redis.Command({"SCAN", cursor, "COUNT", "1000"});
    if (!page || page->type != REDIS_REPLY_ARRAY || page->elements != 2) {
      throw std::runtime_error("SCAN failed");
    }
    cursor = Text(page->element[0]);
    const redisReply* keys = page->element[1];
    for (size_t i = 0; i < keys->elements; ++i) {
      const std::string key = Text(keys->element[i]);
      Search("redis key name " + key, key, needles, found);
      Search("redis key " + key, ValueOf(redis, key), needles, found);
    }
  } while (cursor != "0");
  return found;
}

std::vector<std::string> FindInFile(const std::string& path,
                                    const std::vector<std::string>& needles) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream contents;
  contents << file.rdbuf();
  std::vector<std::string> found;
  Search("log " + path, contents.str(), needles, found);
  return found;
}

StderrCapture::StderrCapture() {
  char path[] = "/tmp/ct-test-log-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) {
    throw std::runtime_error("mkstemp failed");
  }
  path_ = path;
  std::fflush(stderr);
  saved_fd_ = dup(2);
  dup2(fd, 2);
  close(fd);
}

StderrCapture::~StderrCapture() {
  Stop();
  std::remove(path_.c_str());
}

void StderrCapture::Stop() {
  if (saved_fd_ >= 0) {
    std::fflush(stderr);
    dup2(saved_fd_, 2);
    close(saved_fd_);
    saved_fd_ = -1;
  }
}

}  // namespace clienttier::testing
