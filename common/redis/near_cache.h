#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "common/observability/metrics.h"
#include "common/redis/redis_client.h"

namespace clienttier {

// An in-process copy of hot cache entries, kept coherent by Redis itself: a tracking
// connection asks Redis (CLIENT TRACKING ... BCAST PREFIX) to announce every change to keys
// under `prefix`, and a subscriber connection drops the announced keys. A cache hit then costs
// no round trip, which on a 2-core machine is most of a cached read's price.
//
// Why it stays correct:
// - while the two connections are not both healthy, the near cache holds and serves nothing;
//   every lapse empties it, so no change can be missed unseen;
// - Put() carries the invalidation epoch read *before* the Redis GET, and is refused if any
//   invalidation arrived since, so a value read just before a change is never kept;
// - entries also expire after `ttl_ms`, a bound on any delay we did not foresee.
// A change to a scope's generation (RedisCache::InvalidateScope: a key ending in ':') drops
// every entry under that prefix.
// Readers on another replica may see a change a few milliseconds late (the announcement's
// trip), the same as with any replica of a cache.
class NearCache {
 public:
  struct Options {
    std::string prefix;           // e.g. "ct:profile:"
    size_t max_entries = 100000;  // beyond it, new entries are not kept
    int ttl_ms = 30000;
  };

  NearCache(RedisConfig redis, MetricsRegistry& metrics, std::string service, Options options);
  ~NearCache();
  NearCache(const NearCache&) = delete;
  NearCache& operator=(const NearCache&) = delete;

  void Start();
  void Stop();

  // Current invalidation epoch; pass it to Put() for a value read from Redis after this call.
  uint64_t Epoch() const { return epoch_.load(std::memory_order_acquire); }
  std::optional<std::string> Get(const std::string& key);
  void Put(const std::string& key, std::string value, uint64_t epoch_before_read);
  // Local removal for this replica's own writes (the announcement follows anyway).
  void Erase(const std::string& key);
  void ErasePrefix(const std::string& prefix);
  // Whether `key` names a scope of keys (RedisCache) rather than one key.
  static bool IsScope(const std::string& key) { return !key.empty() && key.back() == ':'; }
  // True while the tracking link is up and the cache is in use.
  bool Active() const { return active_.load(std::memory_order_acquire); }

 private:
  struct Entry {
    std::string value;
    std::chrono::steady_clock::time_point expires;
  };

  void Run();
  // Connects the subscriber and the tracking connection; false when Redis is unreachable.
  bool Connect();
  void Disconnect();
  // Reads announcements for up to `wait_ms`; false when the link broke.
  bool Pump(int wait_ms);
  void Apply(const redisReply& message);
  void Clear();
  // Drops the entries under `prefix`; the caller holds mutex_. Returns how many.
  size_t ErasePrefixLocked(const std::string& prefix);

  RedisConfig redis_;
  std::string service_;
  Options options_;
  Counter& invalidations_;
  Counter& link_losses_;

  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::atomic<uint64_t> epoch_{1};
  std::atomic<bool> active_{false};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  redisContext* subscriber_ = nullptr;  // owned; only the listener thread touches it
  redisContext* tracker_ = nullptr;     // owned; only the listener thread touches it
};

}  // namespace clienttier
