#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/observability/metrics.h"
#include "common/redis/near_cache.h"
#include "common/redis/redis_client.h"

namespace clienttier {

// Cache-aside over Redis. Never throws for Redis trouble: a failed read is a miss that the
// caller serves from MySQL (counted as a fallback), a failed write or delete is logged and
// counted. Stale entries after a failed delete are bounded by the TTL and cleared again by
// the outbox relay, which deletes the key when it publishes the change's event.
class RedisCache {
 public:
  // With `near`, hot entries are also kept in process (see NearCache); it may be null.
  RedisCache(RedisClient& redis, MetricsRegistry& metrics, std::string service,
             NearCache* near = nullptr);

  std::optional<std::string> Get(const std::string& key);
  // The in-process copy only (no I/O, so safe on gRPC's callback threads); nullopt on a miss
  // or without a near cache.
  std::optional<std::string> GetLocal(const std::string& key);
  void Put(const std::string& key, const std::string& value, int ttl_seconds);
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
