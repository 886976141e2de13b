#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/observability/metrics.h"
#include "common/redis/cache_miss.h"
#include "common/redis/near_cache.h"
#include "common/redis/redis_client.h"

namespace clienttier {

// Cache-aside over Redis. Never throws for Redis trouble: a failed read is a miss that the
// caller serves from MySQL (counted as a fallback), a failed fill is counted.
//
// A failed invalidation is owed, not forgotten. Redis may never have seen it (after a timeout
// the client fails fast for a second without sending anything), and the old value would then
// be served until its TTL. So the keys are kept in process and sent again (RetryOwed, which
// ServiceApp runs every kRetryOwedEveryMs) until Redis confirms; meanwhile this process neither
// reads nor fills them. Other replicas may read the old value until the retry lands, a window
// of about a Redis outage. Past kMaxOwed keys further ones are counted and left to the TTL.
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

  static constexpr int kRetryOwedEveryMs = 100;
  static constexpr size_t kMaxOwed = 1'000'000;
  // Sends the owed invalidations again (see above); returns how many are still owed.
  size_t RetryOwed();
  size_t owed() const { return owed_count_.load(std::memory_order_acquire); }

 private:
  bool IsOwed(const std::string& key);
  void Owe(const std::vector<std::string>& keys);

  RedisClient& redis_;
  NearCache* near_;
  Counter& hits_;
  Counter& near_hits_;
  Counter& misses_;
  Counter& fallbacks_;
  Counter& retried_;
  Counter& dropped_;

  mutable std::mutex owed_mutex_;
  // Key -> the number of the last failed invalidation of it, so a retry that raced a newer
  // failure does not settle it.
  std::unordered_map<std::string, uint64_t> owed_;
  uint64_t owe_sequence_ = 0;
  std::atomic<size_t> owed_count_{0};  // owed_.size(), read without the lock on every Get
};

}  // namespace clienttier
