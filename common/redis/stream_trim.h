#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "common/redis/redis_client.h"

namespace clienttier {

// One group's entry of XINFO GROUPS: a flat [field, value, ...] array; nil values stay out.
std::map<std::string, const redisReply*> GroupFields(const redisReply* group);

// The oldest entry of `stream` that one of its consumer groups still needs: a group's oldest
// pending (delivered, not acknowledged) entry, or else its last delivered one. Nothing when the
// stream has no group (or does not exist).
std::optional<std::string> OldestNeededEntry(RedisClient& redis, const std::string& stream);

// Caps a stream without losing an event: when it holds more than `max_length` entries, it drops
// the oldest, but never one a consumer group has not read and acknowledged (XTRIM MINID at
// OldestNeededEntry; XTRIM MAXLEN for a stream without groups). A group far behind therefore
// keeps the stream long, which ct_stream_group_lag shows, instead of losing the events it has
// not read (XADD MAXLEN would drop them whatever the groups had read). Returns the entries
// dropped. Throws Unavailable when Redis is.
int64_t TrimConsumedEntries(RedisClient& redis, const std::string& stream, int64_t max_length);

}  // namespace clienttier
