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
//
// A key may also belong to a scope: a key prefix ending in ':' (every score of one tenant)
// that InvalidateScope invalidates whole with one command, for jobs that rewrite all of it
// (BatchRescore: a marker per key was a quarter of its writers' time at 1M clients). The
// scope's generation, a token, is stored under the prefix itself as a key. A key read in its
// scope holds its value tagged with the generation it was filled in, and a copy from another
// generation reads as a miss. A fill checks the scope's generation as it checks the key's
// marker, so a reader that read the database before the scope's invalidation keeps nothing.
// Generations are unique tokens rather than a counter, so a scope that lost its generation
// (Redis data loss) never comes back to an older one that old copies still carry.
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

  // nullopt on a miss, which `miss` (if given) records for the fill. `scope`: the key's
  // scope (a prefix of it ending in ':'), or empty for none; a key is always read with the
  // same scope.
  std::optional<std::string> Get(const std::string& key, CacheMiss* miss = nullptr,
                                 const std::string& scope = {});
  // The in-process copy only (no I/O, so safe on gRPC's callback threads); nullopt on a miss
  // or without a near cache.
  std::optional<std::string> GetLocal(const std::string& key);
  // Fills the key after `miss` unless it changed since (see above); `value` is not empty.
  void Put(const std::string& key, const std::string& value, int ttl_seconds,
           const CacheMiss& miss);
  void Invalidate(const std::vector<std::string>& keys);
  // Invalidates every key read in `scope` at once (see above).
  void InvalidateScope(const std::string& scope);

  static constexpr int kRetryOwedEveryMs = 100;
  static constexpr size_t kMaxOwed = 1'000'000;
  // Sends the owed invalidations again (see above); returns how many are still owed.
  size_t RetryOwed();
  size_t owed() const { return owed_count_.load(std::memory_order_acquire); }

 private:
  bool IsOwed(const std::string& key);
  // `scopes`: the keys are scopes whose new generation Redis did not confirm.
  void Owe(const std::vector<std::string>& keys, bool scopes);

  RedisClient& redis_;
  NearCache* near_;
  Counter& hits_;
  Counter& near_hits_;
  Counter& misses_;
  Counter& fallbacks_;
  Counter& retried_;
  Counter& dropped_;

  mutable std::mutex owed_mutex_;
  struct OwedInvalidation {
    // The number of the last failed invalidation of the key, so a retry that raced a newer
    // failure does not settle it.
    uint64_t sequence = 0;
    bool scope = false;  // the key is a scope, owed a new generation rather than a marker
  };
  std::unordered_map<std::string, OwedInvalidation> owed_;
  uint64_t owe_sequence_ = 0;
  std::atomic<size_t> owed_count_{0};  // owed_.size(), read without the lock on every Get
};

}  // namespace clienttier
