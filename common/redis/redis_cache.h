#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/observability/metrics.h"
#include "common/redis/cache_miss.h"
#include "common/redis/near_cache.h"
#include "common/redis/redis_client.h"

namespace clienttier {

// Cache-aside over Redis. Never throws for Redis trouble: a failed read is a miss that the
// caller serves from MySQL (counted as a fallback), a failed write or invalidation is counted.
// Stale entries after a failed invalidation are bounded by the TTL and cleared again by the
// outbox relay, which invalidates the key when it publishes the change's event.
//
// An invalidated key is not deleted: it holds a marker, a value of its own (a NUL byte and a
// token; a serialized proto never starts with NUL) for kInvalidatedForMs. A fill (Put) goes in
// only while the key holds what the reader's miss saw (CacheMiss): the same marker, or nothing.
// A reader that read the database before a change and puts its copy after the change's
// invalidation then finds another marker and keeps nothing; a reader that missed after the
// change fills as before. With DEL the late copy stayed for the whole TTL (a minute for scores,
// which GetScore calls racing scoring's consumer could cache behind their events).
class RedisCache {
 public:
  // Longer than a reader's way from its miss to its fill (the database read's timeout, 10 s):
  // a reader that saw no marker and fills later than this could still put a stale copy.
  static constexpr int kInvalidatedForMs = 15000;
  // The command that invalidates `key` with a new marker (also for other writers' pipelines:
  // the outbox relay).
  static std::vector<std::string> InvalidateCommand(const std::string& key);

  // With `near`, hot entries are also kept in process (see NearCache); it may be null.
  RedisCache(RedisClient& redis, MetricsRegistry& metrics, std::string service,
             NearCache* near = nullptr);

  // nullopt on a miss, which `miss` (if given) records for the fill.
  std::optional<std::string> Get(const std::string& key, CacheMiss* miss = nullptr);
  // The in-process copy only (no I/O, so safe on gRPC's callback threads); nullopt on a miss
  // or without a near cache.
  std::optional<std::string> GetLocal(const std::string& key);
  // Fills the key after `miss` unless it changed since (see above); `value` is not empty.
  void Put(const std::string& key, const std::string& value, int ttl_seconds,
           const CacheMiss& miss);
  void Invalidate(const std::vector<std::string>& keys);

 private:
  RedisClient& redis_;
  NearCache* near_;
  Counter& hits_;
  Counter& near_hits_;
  Counter& misses_;
  Counter& fallbacks_;
};

}  // namespace clienttier
