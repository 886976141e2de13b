#include "bench/support/stream_group.h"

#include <thread>

#include <hiredis/hiredis.h>

namespace clienttier::bench {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollInterval = std::chrono::milliseconds(20);

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

std::string Text(const redisReply* reply) {
  if (reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS ||
      reply->type == REDIS_REPLY_ERROR) {
    return std::string(reply->str, reply->len);
  }
  return std::string();
}

// The value after `key` in a flat key/value array reply; nullptr when absent.
const redisReply* Field(const redisReply* map, const std::string& key) {
  for (size_t i = 0; i + 1 < map->elements; i += 2) {
    if (Text(map->element[i]) == key) {
      return map->element[i + 1];
    }
  }
  return nullptr;
}

bool IntegerOf(const redisReply* value, int64_t* out) {
  if (value == nullptr || value->type != REDIS_REPLY_INTEGER) {
    return false;
  }
  *out = value->integer;
  return true;
}

}  // namespace

StreamGroupWatch::StreamGroupWatch(std::string host, int port, std::string stream,
                                   std::string group)
    : host_(std::move(host)), port_(port), stream_(std::move(stream)), group_(std::move(group)) {}

StreamGroupWatch::~StreamGroupWatch() {
  if (context_ != nullptr) {
    redisFree(context_);
  }
}

bool StreamGroupWatch::Connect() {
  if (context_ != nullptr && context_->err == 0) {
    return true;
  }
  if (context_ != nullptr) {
    redisFree(context_);
  }
  const timeval timeout{5, 0};
  context_ = redisConnectWithTimeout(host_.c_str(), port_, timeout);
  if (context_ == nullptr || context_->err != 0) {
    error_ = "cannot connect to Redis at " + host_ + ":" + std::to_string(port_) +
             (context_ != nullptr ? std::string(": ") + context_->errstr : std::string());
    return false;
  }
  redisSetTimeout(context_, timeout);
  return true;
}

bool StreamGroupWatch::Read(StreamGroupState* state) {
  *state = StreamGroupState{};
  if (!Connect()) {
    return false;
  }
  Reply stream(
      static_cast<redisReply*>(redisCommand(context_, "XINFO STREAM %s", stream_.c_str())));
  if (!stream) {
    error_ = std::string("XINFO STREAM: ") + context_->errstr;
    return false;
  }
  if (stream->type == REDIS_REPLY_ERROR) {
    // "ERR no such key": nothing published yet, which is a state and not an error.
    if (Text(stream.get()).find("no such key") != std::string::npos) {
      return true;
    }
    error_ = "XINFO STREAM: " + Text(stream.get());
    return false;
  }
  state->stream_exists = true;
  if (!IntegerOf(Field(stream.get(), "entries-added"), &state->entries_added)) {
    error_ = "XINFO STREAM has no entries-added (Redis 7 or later is needed)";
    return false;
  }
  Reply groups(
      static_cast<redisReply*>(redisCommand(context_, "XINFO GROUPS %s", stream_.c_str())));
  if (!groups || groups->type != REDIS_REPLY_ARRAY) {
    error_ = "XINFO GROUPS: " + (groups ? Text(groups.get()) : std::string(context_->errstr));
    return false;
  }
  for (size_t i = 0; i < groups->elements; ++i) {
    const redisReply* group = groups->element[i];
    const redisReply* name = Field(group, "name");
    if (name == nullptr || Text(name) != group_) {
      continue;
    }
    state->group_exists = true;
    IntegerOf(Field(group, "entries-read"), &state->entries_read);
    IntegerOf(Field(group, "pending"), &state->pending);
    // Redis answers nil when it cannot tell (entries deleted in between): count it ourselves.
    if (!IntegerOf(Field(group, "lag"), &state->lag)) {
      state->lag = state->entries_added - state->entries_read;
    }
  }
  return true;
}

bool StreamGroupWatch::WaitUntilSettled(std::chrono::milliseconds quiet,
                                        std::chrono::seconds timeout, StreamGroupState* state) {
  const auto deadline = Clock::now() + timeout;
  int64_t last_added = -1;
  auto last_change = Clock::now();
  while (Clock::now() < deadline) {
    if (!Read(state)) {
      return false;
    }
    const auto now = Clock::now();
    if (state->entries_added != last_added) {
      last_added = state->entries_added;
      last_change = now;
    }
    if (state->idle() && now - last_change >= quiet) {
      return true;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  error_ = "the group did not settle within " + std::to_string(timeout.count()) + " s";
  return false;
}

}  // namespace clienttier::bench
