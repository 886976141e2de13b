#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/db/mysql_config.h"
#include "common/redis/redis_client.h"
#include "common/redis/stream_consumer.h"

namespace clienttier::testing {

// The MariaDB and Redis that scripts/test.sh started, from CT_MYSQL_* / CT_REDIS_* variables.
// A missing variable aborts the test run: integration tests never skip.
MySqlConfig MySqlFromEnv(const std::string& database);
RedisConfig RedisFromEnv();

// A database name no other test run uses: "ct_test_<prefix>_<pid>_<counter>".
std::string UniqueDatabaseName(const std::string& prefix);
// A key prefix no other test run uses, for Redis keys and streams.
std::string UniqueSuffix();

// Writes a keys file mapping each (key, tenant, role) line; returns its path.
std::string WriteApiKeysFile(const std::string& lines_of_key_tenant_role);

// A private redis-server on a free loopback port, which a test can stop and restart to
// simulate an outage (with the same data directory, AOF on).
class RedisProcess {
 public:
  RedisProcess();
  ~RedisProcess();
  void Start();
  void Stop();
  // SIGKILL, then its data files are deleted: the next Start is an empty Redis on the same port.
  void KillAndWipe();
  // SIGSTOP / SIGCONT: a frozen server keeps its connections and reads nothing, so a command
  // sent meanwhile times out at the client and runs once the server is thawed.
  void Freeze();
  void Thaw();
  int port() const { return port_; }

 private:
  std::string directory_;
  int port_ = 0;
  pid_t pid_ = -1;
};

int FreeLoopbackPort();

// Every entry of `stream` whose `tenant` field is `tenant`, oldest first; only those after
// `after_id` (a LastStreamId taken earlier) when given, so a long shared stream is not read
// whole.
std::vector<StreamEntry> TenantStreamEntries(RedisClient& redis, const std::string& stream,
                                             const std::string& tenant,
                                             const std::string& after_id = "");
// The id of the stream's newest entry ("0-0" when empty or missing).
std::string LastStreamId(RedisClient& redis, const std::string& stream);
// Appends the entries to the stream again, as an outbox replay would.
void ReAddStreamEntries(RedisClient& redis, const std::string& stream,
                        const std::vector<StreamEntry>& entries);

}  // namespace clienttier::testing
