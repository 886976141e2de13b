#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <hiredis/hiredis.h>

#include "common/config/config_reader.h"
#include "common/observability/metrics.h"

namespace clienttier {

struct RedisConfig {
  std::string host = "127.0.0.1";
  int port = 6379;
  int connect_timeout_ms = 500;
  int command_timeout_ms = 500;
  int pool_size = 16;
  // After a failure, calls fail fast for this long instead of each waiting for a timeout.
  int retry_after_ms = 1000;
  // ACL credentials (Redis 6+). With an empty password no AUTH is sent (a server without
  // requirepass); with an empty user the password is the default user's.
  std::string user;
  std::string password;
};

RedisConfig ReadRedisConfig(ConfigReader& reader);

// One connection with the config's timeouts, authenticated when the config has a password.
// Returns nullptr and sets *error when Redis cannot be reached or refuses the credentials.
redisContext* ConnectRedis(const RedisConfig& config, std::string* error);

struct RedisReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using RedisReply = std::unique_ptr<redisReply, RedisReplyDeleter>;

// A small pool of blocking hiredis connections (a redisContext is not thread-safe).
// Every call has the command timeout; a connection that failed is dropped. Failures throw
// DomainError(kUnavailable); Redis error replies are returned to the caller as replies.
class RedisClient {
 public:
  RedisClient(RedisConfig config, MetricsRegistry* metrics);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  RedisReply Command(const std::vector<std::string>& args);
  // Sends all commands in one round trip and returns their replies in order.
  std::vector<RedisReply> Pipeline(const std::vector<std::vector<std::string>>& commands);

  // False while in the fail-fast window after a failure.
  bool LooksAvailable() const;
  bool Ping();

 private:
  struct ContextDeleter {
    void operator()(redisContext* context) const { redisFree(context); }
  };
  using Context = std::unique_ptr<redisContext, ContextDeleter>;

  Context Take(bool allow_idle = true);
  bool HasIdle();
  void Give(Context context);
  [[noreturn]] void Fail(const std::string& what);

  RedisConfig config_;
  std::mutex mutex_;
  std::vector<Context> idle_;
  std::atomic<int64_t> down_until_ms_{0};
  Counter* failures_ = nullptr;
};

// Short helpers for reading replies.
bool IsError(const redisReply* reply);
std::string ReplyString(const redisReply* reply);

}  // namespace clienttier
