#include "common/redis/stream_trim.h"

#include <utility>

#include "common/errors/domain_error.h"

namespace clienttier {

namespace {

// A stream id "1700000000000-3" as (milliseconds, sequence), to compare two ids.
std::pair<uint64_t, uint64_t> ParseStreamId(const std::string& id) {
  const size_t dash = id.find('-');
  return {std::stoull(id.substr(0, dash)),
          dash == std::string::npos ? 0 : std::stoull(id.substr(dash + 1))};
}

// The oldest pending entry of one group (XPENDING's summary form: [count, smallest id, ...]).
std::optional<std::string> OldestPending(RedisClient& redis, const std::string& stream,
                                         const std::string& group) {
  RedisReply pending = redis.Command({"XPENDING", stream, group});
  if (IsError(pending.get()) || pending->type != REDIS_REPLY_ARRAY || pending->elements < 2) {
    throw Unavailable("XPENDING failed: " + ReplyString(pending.get()));
  }
  if (pending->element[0]->integer == 0 || pending->element[1]->type == REDIS_REPLY_NIL) {
    return std::nullopt;
  }
  return ReplyString(pending->element[1]);
}

int64_t Integer(RedisReply reply, const char* command) {
  if (IsError(reply.get()) || reply->type != REDIS_REPLY_INTEGER) {
    throw Unavailable(std::string(command) + " failed: " + ReplyString(reply.get()));
  }
  return reply->integer;
}

}  // namespace

std::map<std::string, const redisReply*> GroupFields(const redisReply* group) {
  std::map<std::string, const redisReply*> fields;
  for (size_t k = 0; k + 1 < group->elements; k += 2) {
    if (group->element[k + 1]->type != REDIS_REPLY_NIL) {
      fields[ReplyString(group->element[k])] = group->element[k + 1];
    }
  }
  return fields;
}

std::optional<std::string> OldestNeededEntry(RedisClient& redis, const std::string& stream) {
  RedisReply groups = redis.Command({"XINFO", "GROUPS", stream});
  if (IsError(groups.get())) {
    if (ReplyString(groups.get()).find("no such key") != std::string::npos) {
      return std::nullopt;
    }
    throw Unavailable("XINFO GROUPS failed: " + ReplyString(groups.get()));
  }
  std::optional<std::string> oldest;
  for (size_t i = 0; i < groups->elements; ++i) {
    auto fields = GroupFields(groups->element[i]);
    if (fields.count("name") == 0 || fields.count("last-delivered-id") == 0) {
      continue;
    }
    std::optional<std::string> needed = OldestPending(redis, stream, ReplyString(fields["name"]));
    if (!needed) {
      needed = ReplyString(fields["last-delivered-id"]);
    }
    if (!oldest || ParseStreamId(*needed) < ParseStreamId(*oldest)) {
      oldest = needed;
    }
  }
  return oldest;
}

int64_t TrimConsumedEntries(RedisClient& redis, const std::string& stream, int64_t max_length) {
  if (Integer(redis.Command({"XLEN", stream}), "XLEN") <= max_length) {
    return 0;
  }
  const std::optional<std::string> needed = OldestNeededEntry(redis, stream);
  if (!needed) {
    return Integer(redis.Command({"XTRIM", stream, "MAXLEN", std::to_string(max_length)}), "XTRIM");
  }
  // Exact, not "~": the relay trims at most once a second, and an approximate trim keeps whole
  // radix-tree nodes, so a small stream over its cap would never shrink.
  return Integer(redis.Command({"XTRIM", stream, "MINID", *needed}), "XTRIM");
}

}  // namespace clienttier
