#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/redis/redis_client.h"
#include "common/redis/stream_consumer.h"

namespace clienttier {

// One event a consumer group gave up on, as kept in its dead-letter stream.
struct DeadLetter {
  std::string id;          // its id in the dead-letter stream (the time it was moved, ms)
  std::string source_id;   // its id in the source stream when it failed
  std::string error;       // why its last delivery failed
  int64_t deliveries = 0;  // the delivery count (XPENDING) when it was moved
  // The source entry's own fields (event_id, type, tenant, payload), as a replay re-adds them.
  std::map<std::string, std::string> fields;
};

// The dead letters of one consumer group of one stream: `<stream>:dead:<group>`, e.g.
// "ct:events:profile:dead:scoring". A group has its own, because an event poison to one
// service (its apply fails there) may be applied fine by another. The stream is not trimmed:
// nothing in it is applied anywhere, so dropping an entry would lose the event.
class DeadLetterStream {
 public:
  DeadLetterStream(RedisClient& redis, std::string stream, std::string group);

  static std::string NameFor(const std::string& stream, const std::string& group);
  const std::string& name() const { return name_; }

  // Adds the entry with its error to the dead-letter stream and acknowledges it in the group,
  // in one Lua script: a crash can neither lose it nor leave it in both places.
  void Move(const StreamEntry& entry, const std::string& error, int64_t deliveries);
  // Up to `count` dead letters, oldest first, after `after_id` (exclusive) when given.
  std::vector<DeadLetter> List(int count, const std::string& after_id = "") const;
  // Puts the dead letter back on the source stream as a new entry (its original fields, none of
  // the dead-letter ones) and deletes it here, in one Lua script. Every group of the stream
  // reads it again; those that applied it skip it by its event id. Returns its new id in the
  // source stream, or "" when there is no dead letter `id`.
  std::string Replay(const std::string& id);

 private:
  RedisClient& redis_;
  std::string stream_;
  std::string group_;
  std::string name_;
};

}  // namespace clienttier
