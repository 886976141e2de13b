#include "common/redis/near_cache.h"

#include <poll.h>

#include <cerrno>
#include <iterator>
#include <vector>

#include "common/observability/logger.h"

namespace clienttier {

namespace {

constexpr char kInvalidationChannel[] = "__redis__:invalidate";
constexpr int kPumpWaitMs = 250;
constexpr auto kTrackerPingInterval = std::chrono::seconds(1);
constexpr auto kSweepInterval = std::chrono::seconds(5);

redisContext* ConnectOne(const RedisConfig& config) {
  std::string error;
  return ConnectRedis(config, &error);
}

RedisReply Call(redisContext* context, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const auto& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  return RedisReply(static_cast<redisReply*>(
      redisCommandArgv(context, static_cast<int>(args.size()), argv.data(), lengths.data())));
}

}  // namespace

NearCache::NearCache(RedisConfig redis, MetricsRegistry& metrics, std::string service,
                     Options options)
    : redis_(std::move(redis)),
      service_(std::move(service)),
      options_(std::move(options)),
      invalidations_(metrics.GetCounter("ct_near_cache_invalidations_total",
                                        "Keys dropped from the in-process cache on Redis' notice",
                                        {{"service", service_}})),
      link_losses_(metrics.GetCounter("ct_near_cache_link_losses_total",
                                      "Times the in-process cache was emptied because its "
                                      "invalidation link to Redis broke",
                                      {{"service", service_}})) {
  metrics.AddGauge("ct_near_cache_entries", "Entries in the in-process cache",
                   {{"service", service_}}, [this] {
                     std::lock_guard<std::mutex> lock(mutex_);
                     return static_cast<double>(entries_.size());
                   });
}

NearCache::~NearCache() { Stop(); }

void NearCache::Start() {
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void NearCache::Stop() {
  stopping_ = true;
  if (thread_.joinable()) {
    thread_.join();
  }
}

std::optional<std::string> NearCache::Get(const std::string& key) {
  if (!Active()) {
    return std::nullopt;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  const auto found = entries_.find(key);
  if (found == entries_.end()) {
    return std::nullopt;
  }
  if (found->second.expires <= std::chrono::steady_clock::now()) {
    entries_.erase(found);
    return std::nullopt;
  }
  return found->second.value;
}

void NearCache::Put(const std::string& key, std::string value, uint64_t epoch_before_read) {
  if (!Active()) {
    return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  // Checked under the lock that Apply() also takes, so an announcement is either seen here
  // or erases the entry after it is stored.
  if (epoch_.load(std::memory_order_acquire) != epoch_before_read ||
      entries_.size() >= options_.max_entries) {
    return;
  }
  entries_[key] = Entry{std::move(value), std::chrono::steady_clock::now() +
                                              std::chrono::milliseconds(options_.ttl_ms)};
}

void NearCache::Erase(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  epoch_.fetch_add(1, std::memory_order_acq_rel);
  entries_.erase(key);
}

void NearCache::ErasePrefix(const std::string& prefix) {
  std::lock_guard<std::mutex> lock(mutex_);
  epoch_.fetch_add(1, std::memory_order_acq_rel);
  ErasePrefixLocked(prefix);
}

size_t NearCache::ErasePrefixLocked(const std::string& prefix) {
  size_t erased = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->first.compare(0, prefix.size(), prefix) == 0) {
      it = entries_.erase(it);
      ++erased;
    } else {
      ++it;
    }
  }
  return erased;
}

void NearCache::Clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  epoch_.fetch_add(1, std::memory_order_acq_rel);
  entries_.clear();
}

bool NearCache::Connect() {
  subscriber_ = ConnectOne(redis_);
  tracker_ = ConnectOne(redis_);
  if (subscriber_ == nullptr || tracker_ == nullptr) {
    return false;
  }
  RedisReply id = Call(subscriber_, {"CLIENT", "ID"});
  if (!id || id->type != REDIS_REPLY_INTEGER) {
    return false;
  }
  RedisReply subscribed = Call(subscriber_, {"SUBSCRIBE", kInvalidationChannel});
  if (!subscribed || subscribed->type != REDIS_REPLY_ARRAY) {
    return false;
  }
  RedisReply tracking =
      Call(tracker_, {"CLIENT", "TRACKING", "on", "REDIRECT", std::to_string(id->integer), "BCAST",
                      "PREFIX", options_.prefix});
  if (!tracking || tracking->type != REDIS_REPLY_STATUS) {
    Logger::LogRateLimited("near-cache-tracking", std::chrono::seconds(60), Severity::kWarning,
                           "Redis refused CLIENT TRACKING; the in-process cache stays off",
                           {{"service", service_}});
    return false;
  }
  Clear();
  active_ = true;
  return true;
}

void NearCache::Disconnect() {
  active_ = false;
  Clear();
  if (subscriber_ != nullptr) {
    redisFree(subscriber_);
    subscriber_ = nullptr;
  }
  if (tracker_ != nullptr) {
    redisFree(tracker_);
    tracker_ = nullptr;
  }
}

bool NearCache::Pump(int wait_ms) {
  pollfd descriptor{subscriber_->fd, POLLIN, 0};
  const int ready = poll(&descriptor, 1, wait_ms);
  if (ready < 0) {
    return errno == EINTR;
  }
  if (ready == 0) {
    return true;
  }
  if (redisBufferRead(subscriber_) != REDIS_OK) {
    return false;
  }
  for (;;) {
    void* raw = nullptr;
    if (redisReaderGetReply(subscriber_->reader, &raw) != REDIS_OK) {
      return false;
    }
    if (raw == nullptr) {
      return true;
    }
    RedisReply message(static_cast<redisReply*>(raw));
    Apply(*message);
  }
}

void NearCache::Apply(const redisReply& message) {
  // ["message", "__redis__:invalidate", [key, ...]]; a nil key list means "everything"
  // (FLUSHDB / FLUSHALL).
  if (message.type != REDIS_REPLY_ARRAY || message.elements != 3) {
    return;
  }
  const redisReply* keys = message.element[2];
  std::lock_guard<std::mutex> lock(mutex_);
  epoch_.fetch_add(1, std::memory_order_acq_rel);
  if (keys->type != REDIS_REPLY_ARRAY) {
    invalidations_.Increment(entries_.size());
    entries_.clear();
    return;
  }
  for (size_t i = 0; i < keys->elements; ++i) {
    const redisReply* key = keys->element[i];
    if (key->type != REDIS_REPLY_STRING) {
      continue;
    }
    std::string name(key->str, key->len);
    if (IsScope(name)) {
      invalidations_.Increment(ErasePrefixLocked(name));
    } else {
      entries_.erase(name);
      invalidations_.Increment();
    }
  }
}

void NearCache::Run() {
  while (!stopping_) {
    if (!Connect()) {
      Disconnect();
      for (int i = 0; i < 4 && !stopping_; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(kPumpWaitMs));
      }
      continue;
    }
    auto next_ping = std::chrono::steady_clock::now() + kTrackerPingInterval;
    auto next_sweep = std::chrono::steady_clock::now() + kSweepInterval;
    bool healthy = true;
    while (!stopping_ && healthy) {
      healthy = Pump(kPumpWaitMs);
      const auto now = std::chrono::steady_clock::now();
      if (healthy && now >= next_ping) {
        // The tracking state lives on this connection: if it died, announcements stopped.
        RedisReply pong = Call(tracker_, {"PING"});
        healthy = pong && pong->type == REDIS_REPLY_STATUS;
        next_ping = now + kTrackerPingInterval;
      }
      if (now >= next_sweep) {
        std::lock_guard<std::mutex> lock(mutex_);
        for (auto it = entries_.begin(); it != entries_.end();) {
          it = it->second.expires <= now ? entries_.erase(it) : std::next(it);
        }
        next_sweep = now + kSweepInterval;
      }
    }
    if (!stopping_) {
      link_losses_.Increment();
      LogWarning("near cache link to Redis lost; serving from Redis/MySQL until it is back",
                 {{"service", service_}});
    }
    Disconnect();
  }
}

}  // namespace clienttier
