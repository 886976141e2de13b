#pragma once

#include <string>
#include <vector>

#include "common/db/mysql_pool.h"
#include "common/redis/redis_client.h"

namespace clienttier::testing {

// Where the erasure tests look for a person's data after EraseClient: everywhere ClientTier
// can keep a byte of it. Each finding reads "<place>: <needle>"; empty means nothing found.
// The needles are compared as bytes (a protobuf payload holds a string field verbatim).

// Every text, binary and JSON column of every table of every schema whose name is LIKE
// `schema_like` (read from information_schema).
std::vector<std::string> FindInSchemas(MySqlPool& pool, const std::string& schema_like,
                                       const std::vector<std::string>& needles);

// Every Redis key (SCAN): strings, hashes, lists, sets, sorted sets and every entry of every
// stream (XRANGE in pages).
std::vector<std::string> FindInRedis(RedisClient& redis, const std::vector<std::string>& needles);

// The file's contents (a captured log).
std::vector<std::string> FindInFile(const std::string& path,
                                    const std::vector<std::string>& needles);

// Captures everything written to file descriptor 2 (where every service logs) into a
// temporary file from construction until Stop() or destruction.
class StderrCapture {
 public:
  StderrCapture();
  ~StderrCapture();
  StderrCapture(const StderrCapture&) = delete;
  StderrCapture& operator=(const StderrCapture&) = delete;

  // Restores stderr; the captured file stays readable at path().
  void Stop();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int saved_fd_ = -1;
};

}  // namespace clienttier::testing
