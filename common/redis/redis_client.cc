#include "common/redis/redis_client.h"

#include <sys/time.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/errors/domain_error.h"
#include "common/observability/logger.h"

namespace clienttier {

namespace {

timeval ToTimeval(int milliseconds) {
  timeval value{};
  value.tv_sec = milliseconds / 1000;
  value.tv_usec = (milliseconds % 1000) * 1000;
  return value;
}

int64_t SteadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct ArgvBuffers {
  explicit ArgvBuffers(const std::vector<std::string>& args) {
    for (const auto& arg : args) {
      pointers.push_back(arg.data());
      lengths.push_back(arg.size());
    }
  }
  std::vector<const char*> pointers;
  std::vector<size_t> lengths;
};

}  // namespace

RedisConfig ReadRedisConfig(ConfigReader& reader) {
  RedisConfig config;
  config.host = reader.String("redis-host", config.host, "Redis host");
  config.port = static_cast<int>(reader.Int("redis-port", config.port, 1, 65535, "Redis port"));
  config.connect_timeout_ms = static_cast<int>(reader.Int(
      "redis-connect-timeout-ms", config.connect_timeout_ms, 1, 60000, "Redis connect timeout"));
  config.command_timeout_ms = static_cast<int>(reader.Int(
      "redis-command-timeout-ms", config.command_timeout_ms, 1, 60000, "Redis command timeout"));
  config.pool_size = static_cast<int>(
      reader.Int("redis-pool-size", config.pool_size, 1, 512, "idle Redis connections kept"));
  config.user = reader.String("redis-user", "", "Redis ACL user (empty: the default user)");
  config.password = reader.String("redis-password", "",
                                  "Redis password of redis-user (prefer redis-password-file)");
  return config;
}

redisContext* ConnectRedis(const RedisConfig& config, std::string* error) {
  redisContext* context = redisConnectWithTimeout(config.host.c_str(), config.port,
                                                  ToTimeval(config.connect_timeout_ms));
  if (context == nullptr) {
    *error = "cannot allocate context";
    return nullptr;
  }
  if (context->err != 0 ||
      redisSetTimeout(context, ToTimeval(config.command_timeout_ms)) != REDIS_OK) {
    *error = context->err != 0 ? context->errstr : "cannot set timeout";
    redisFree(context);
    return nullptr;
  }
  if (config.password.empty()) {
    return context;
  }
  std::vector<std::string> auth{"AUTH"};
  if (!config.user.empty()) {
    auth.push_back(config.user);
  }
  auth.push_back(config.password);
  ArgvBuffers argv(auth);
  RedisReply reply(static_cast<redisReply*>(redisCommandArgv(
      context, static_cast<int>(auth.size()), argv.pointers.data(), argv.lengths.data())));
  if (reply == nullptr || reply->type == REDIS_REPLY_ERROR) {
    // The reply names the reason (WRONGPASS, NOAUTH), never the password.
    *error = "redis refused AUTH" + (reply != nullptr ? ": " + ReplyString(reply.get()) : "");
    redisFree(context);
    return nullptr;
  }
  return context;
}

bool IsError(const redisReply* reply) {
  return reply == nullptr || reply->type == REDIS_REPLY_ERROR;
}

std::string ReplyString(const redisReply* reply) {
  if (reply == nullptr || reply->str == nullptr) {
    return "";
  }
  return std::string(reply->str, reply->len);
}

RedisClient::RedisClient(RedisConfig config, MetricsRegistry* metrics)
    : config_(std::move(config)) {
  if (metrics != nullptr) {
    failures_ = &metrics->GetCounter("ct_redis_failures_total",
                                     "Redis calls that failed (connect, timeout, I/O)");
  }
}

RedisClient::~RedisClient() = default;

bool RedisClient::LooksAvailable() const { return SteadyNowMs() >= down_until_ms_.load(); }

void RedisClient::Fail(const std::string& what) {
  down_until_ms_.store(SteadyNowMs() + config_.retry_after_ms);
  if (failures_ != nullptr) {
    failures_->Increment();
  }
  Logger::LogRateLimited("redis-unavailable", std::chrono::seconds(5), Severity::kWarning,
                         "redis unavailable", {{"detail", what}});
  throw Unavailable("redis unavailable");
}

RedisClient::Context RedisClient::Take(bool allow_idle) {
  if (allow_idle) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      Context context = std::move(idle_.back());
      idle_.pop_back();
      return context;
    }
  }
  if (!LooksAvailable()) {
    throw Unavailable("redis unavailable");
  }
  std::string error;
  Context context(ConnectRedis(config_, &error));
  if (context == nullptr) {
    Fail(error);
  }
  return context;
}

void RedisClient::Give(Context context) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (static_cast<int>(idle_.size()) < config_.pool_size) {
    idle_.push_back(std::move(context));
  }
}

namespace {

// The server had closed the connection before the command: a Redis restart ends every idle
// connection this way. Not a timeout: after one, the command may still run (a frozen or slow
// Redis reads it later), so sending it again would run it twice.
bool ClosedByTheServer(const redisContext& context) {
  if (context.err == REDIS_ERR_EOF) {
    return true;
  }
  if (context.err != REDIS_ERR_IO) {
    return false;
  }
  const std::string error = context.errstr;
  return error == std::strerror(ECONNRESET) || error == std::strerror(EPIPE);
}

}  // namespace

RedisReply RedisClient::Command(const std::vector<std::string>& args) {
  ArgvBuffers argv(args);
  // An idle connection may have died with a Redis restart: then the command is sent once more
  // on a fresh one before Redis is declared down. Only then: an XREADGROUP sent again after a
  // timeout had its first delivery go to a reply nobody read, and those entries waited for a
  // claim (30 s) while the retry succeeded silently.
  for (int attempt = 0;; ++attempt) {
    const bool reused = attempt == 0 && HasIdle();
    Context context = Take(attempt == 0);
    RedisReply reply(static_cast<redisReply*>(redisCommandArgv(
        context.get(), static_cast<int>(args.size()), argv.pointers.data(), argv.lengths.data())));
    if (reply != nullptr) {
      Give(std::move(context));
      return reply;
    }
    if (!reused || !ClosedByTheServer(*context)) {
      Fail(context->errstr);  // the context is dropped: its stream state is unknown
    }
  }
}

bool RedisClient::HasIdle() {
  std::lock_guard<std::mutex> lock(mutex_);
  return !idle_.empty();
}

std::vector<RedisReply> RedisClient::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  Context context = Take();
  for (const auto& args : commands) {
    ArgvBuffers argv(args);
    if (redisAppendCommandArgv(context.get(), static_cast<int>(args.size()), argv.pointers.data(),
                               argv.lengths.data()) != REDIS_OK) {
      Fail(context->errstr);
    }
  }
  std::vector<RedisReply> replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context.get(), &raw) != REDIS_OK || raw == nullptr) {
      Fail(context->errstr);
    }
    replies.emplace_back(static_cast<redisReply*>(raw));
  }
  Give(std::move(context));
  return replies;
}

bool RedisClient::Ping() {
  try {
    RedisReply reply = Command({"PING"});
    return !IsError(reply.get());
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace clienttier
