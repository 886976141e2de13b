#include "common/redis/redis_cache.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <random>
#include <utility>

#include "common/errors/domain_error.h"
#include "common/observability/logger.h"

namespace clienttier {

RedisCache::RedisCache(RedisClient& redis, MetricsRegistry& metrics, std::string service,
                       NearCache* near)
    : redis_(redis),
      near_(near),
      hits_(metrics.GetCounter("ct_cache_hits_total",
                               "Cache reads served from Redis or the in-process copy",
                               {{"service", service}})),
      near_hits_(metrics.GetCounter("ct_cache_near_hits_total",
                                    "Cache hits served in process, without a Redis round trip",
                                    {{"service", service}})),
      misses_(metrics.GetCounter("ct_cache_misses_total", "Cache reads that missed",
                                 {{"service", service}})),
      fallbacks_(metrics.GetCounter("ct_cache_fallbacks_total",
                                    "Cache operations skipped because Redis was unavailable",
                                    {{"service", service}})),
      retried_(metrics.GetCounter("ct_cache_invalidations_retried_total",
                                  "Invalidations Redis did not confirm, sent again until it did",
                                  {{"service", service}})),
      dropped_(metrics.GetCounter(
          "ct_cache_invalidations_dropped_total",
          "Failed invalidations past the in-process limit, left to the TTL (see RedisCache)",
          {{"service", service}})) {
  metrics.AddGauge("ct_cache_owed_invalidations",
                   "Invalidations Redis has not confirmed yet; this process skips those keys",
                   {{"service", service}}, [this] { return static_cast<double>(owed()); });
}

std::optional<std::string> RedisCache::GetLocal(const std::string& key) {
  if (near_ == nullptr || IsOwed(key)) {
    return std::nullopt;
  }
  auto local = near_->Get(key);
  if (local) {
    hits_.Increment();
    near_hits_.Increment();
  }
  return local;
}

namespace {

// Unique to one invalidation across processes and restarts.
std::string NewToken() {
  static const uint64_t process_token =
      std::random_device{}() ^ (uint64_t{std::random_device{}()} << 32);
  static std::atomic<uint64_t> counter{0};
  return std::to_string(process_token) + ":" +
         std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
}

// A marker: a NUL byte (no serialized proto starts with one: field number 0 does not exist),
// then a token.
std::string NewMarker() { return std::string(1, '\0') + NewToken(); }

std::vector<std::string> MarkKey(const std::string& key, const std::string& marker) {
  return {"SET", key, marker, "PX", std::to_string(RedisCache::kInvalidatedForMs)};
}

// A scope's new generation; no expiry, or copies tagged with the generation before the last
// invalidation would read as current again once it expired.
std::vector<std::string> NewGeneration(const std::string& scope) {
  return {"SET", scope, NewToken()};
}

bool IsMarker(const std::string& value) { return value.empty() || value[0] == '\0'; }

// A value filled in a scope: kTag, the generation, kTag, the value. kTag is not a marker's
// first byte, and no serialized proto starts with it either (field number 0).
constexpr char kTag = '\x01';

std::string Tagged(const std::string& generation, const std::string& value) {
  std::string tagged;
  tagged.reserve(generation.size() + value.size() + 2);
  tagged += kTag;
  tagged += generation;
  tagged += kTag;
  tagged += value;
  return tagged;
}

// The value `held` carries if it was filled at `generation`; nullopt for a marker, nothing, or
// a copy from another generation.
std::optional<std::string> ValueAt(const std::string& held, const std::string& generation) {
  if (held.size() < generation.size() + 2 || held[0] != kTag ||
      held.compare(1, generation.size(), generation) != 0 || held[generation.size() + 1] != kTag) {
    return std::nullopt;
  }
  return held.substr(generation.size() + 2);
}

std::string StringOrEmpty(const redisReply* reply) {
  return reply->type == REDIS_REPLY_STRING ? ReplyString(reply) : std::string();
}

// Sets KEYS[1] to ARGV[2] for ARGV[3] seconds if it holds ARGV[1] ("": nothing) and, with a
// scope (KEYS[2]), if the scope's generation is still ARGV[4] ("": none yet).
constexpr char kFillScript[] =
    "if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then\n"
    "  return 0\n"
    "end\n"
    "if KEYS[2] and (redis.call('GET', KEYS[2]) or '') ~= ARGV[4] then\n"
    "  return 0\n"
    "end\n"
    "return redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])\n";

}  // namespace

std::optional<std::string> RedisCache::Get(const std::string& key, CacheMiss* miss,
                                           const std::string& scope) {
  if (miss != nullptr) {
    *miss = CacheMiss{};
  }
  if (IsOwed(key) || (!scope.empty() && IsOwed(scope))) {
    fallbacks_.Increment();
    return std::nullopt;  // Redis may still hold the old value; no fill either
  }
  uint64_t epoch = 0;
  if (near_ != nullptr) {
    if (auto local = near_->Get(key)) {
      hits_.Increment();
      near_hits_.Increment();
      return local;
    }
    epoch = near_->Epoch();  // before the GET: a change announced meanwhile refuses the copy
  }
  try {
    std::string held;
    std::string generation;
    std::optional<std::string> value;
    if (scope.empty()) {
      held = StringOrEmpty(redis_.Command({"GET", key}).get());
      if (!IsMarker(held)) {
        value = held;
      }
    } else {
      // One command, so the key and its scope's generation are read at the same instant.
      RedisReply reply = redis_.Command({"MGET", key, scope});
      if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
        throw Unavailable("cache read: MGET answered without two values");
      }
      held = StringOrEmpty(reply->element[0]);
      generation = StringOrEmpty(reply->element[1]);
      value = ValueAt(held, generation);
    }
    if (value) {
      hits_.Increment();
      if (near_ != nullptr) {
        near_->Put(key, *value, epoch);
      }
      return value;
    }
    misses_.Increment();
    if (miss != nullptr) {
      miss->seen = true;
      miss->held = std::move(held);
      miss->scope = scope;
      miss->generation = std::move(generation);
    }
    return std::nullopt;
  } catch (const DomainError&) {
    fallbacks_.Increment();
    return std::nullopt;
  }
}

std::vector<std::string> RedisCache::InvalidateCommand(const std::string& key) {
  return MarkKey(key, NewMarker());
}

void RedisCache::Put(const std::string& key, const std::string& value, int ttl_seconds,
                     const CacheMiss& miss) {
  if (!miss.seen || IsMarker(value) || IsOwed(key) || (!miss.scope.empty() && IsOwed(miss.scope))) {
    return;  // Redis did not answer the read, the value would read as a marker, or the key
             // changed and Redis has not confirmed it
  }
  try {
    if (miss.scope.empty()) {
      redis_.Command(
          {"EVAL", kFillScript, "1", key, miss.held, value, std::to_string(ttl_seconds)});
    } else {
      redis_.Command({"EVAL", kFillScript, "2", key, miss.scope, miss.held,
                      Tagged(miss.generation, value), std::to_string(ttl_seconds),
                      miss.generation});
    }
  } catch (const DomainError&) {
    fallbacks_.Increment();
  }
}

void RedisCache::Invalidate(const std::vector<std::string>& keys) {
  if (keys.empty()) {
    return;
  }
  std::vector<std::vector<std::string>> commands;
  commands.reserve(keys.size());
  const std::string marker = NewMarker();  // one per change: what a racing fill compares
  for (const std::string& key : keys) {
    commands.push_back(MarkKey(key, marker));
  }
  try {
    for (const RedisReply& reply : redis_.Pipeline(commands)) {
      if (IsError(reply.get())) {
        throw Unavailable("cache invalidation refused: " + ReplyString(reply.get()));
      }
    }
  } catch (const DomainError&) {
    fallbacks_.Increment();
    Owe(keys, /*scopes=*/false);
  }
  if (near_ != nullptr) {
    for (const auto& key : keys) {
      near_->Erase(key);
    }
  }
}

void RedisCache::InvalidateScope(const std::string& scope) {
  if (!NearCache::IsScope(scope)) {
    throw Internal("cache scope \"" + scope + "\" does not end with ':'");
  }
  try {
    RedisReply reply = redis_.Command(NewGeneration(scope));
    if (IsError(reply.get())) {
      throw Unavailable("cache scope invalidation refused: " + ReplyString(reply.get()));
    }
  } catch (const DomainError&) {
    fallbacks_.Increment();
    Owe({scope}, /*scopes=*/true);
  }
  if (near_ != nullptr) {
    near_->ErasePrefix(scope);
  }
}

bool RedisCache::IsOwed(const std::string& key) {
  if (owed_count_.load(std::memory_order_acquire) == 0) {
    return false;
  }
  std::lock_guard<std::mutex> lock(owed_mutex_);
  return owed_.count(key) > 0;
}

void RedisCache::Owe(const std::vector<std::string>& keys, bool scopes) {
  size_t dropped = 0;
  size_t owed = 0;
  {
    std::lock_guard<std::mutex> lock(owed_mutex_);
    for (const std::string& key : keys) {
      if (owed_.size() >= kMaxOwed && owed_.count(key) == 0) {
        ++dropped;
        continue;
      }
      owed_[key] = OwedInvalidation{++owe_sequence_, scopes};
    }
    owed = owed_.size();
    owed_count_.store(owed, std::memory_order_release);
  }
  dropped_.Increment(dropped);
  Logger::LogRateLimited(
      "cache-invalidation-owed", std::chrono::seconds(10), Severity::kWarning,
      "cache invalidation not confirmed by Redis; retrying",
      {{"owed", static_cast<int64_t>(owed)}, {"dropped", static_cast<int64_t>(dropped)}});
}

size_t RedisCache::RetryOwed() {
  constexpr size_t kPerPipeline = 10000;
  if (owed() == 0) {
    return 0;
  }
  std::vector<std::pair<std::string, OwedInvalidation>> batch;
  {
    std::lock_guard<std::mutex> lock(owed_mutex_);
    batch.reserve(std::min(owed_.size(), kPerPipeline));
    for (const auto& [key, owed] : owed_) {
      batch.emplace_back(key, owed);
      if (batch.size() == kPerPipeline) {
        break;
      }
    }
  }
  const std::string marker = NewMarker();
  std::vector<std::vector<std::string>> commands;
  commands.reserve(batch.size());
  for (const auto& [key, owed] : batch) {
    commands.push_back(owed.scope ? NewGeneration(key) : MarkKey(key, marker));
  }
  std::vector<RedisReply> replies;
  try {
    replies = redis_.Pipeline(commands);
  } catch (const DomainError&) {
    return owed();  // still down: the next round
  }
  std::lock_guard<std::mutex> lock(owed_mutex_);
  for (size_t i = 0; i < batch.size(); ++i) {
    const auto found = owed_.find(batch[i].first);
    if (!IsError(replies[i].get()) && found != owed_.end() &&
        found->second.sequence == batch[i].second.sequence) {
      owed_.erase(found);
    }
  }
  retried_.Increment(batch.size());
  owed_count_.store(owed_.size(), std::memory_order_release);
  return owed_.size();
}

}  // namespace clienttier
