#include "common/redis/redis_cache.h"

#include <atomic>
#include <cstdint>
#include <random>

#include "common/errors/domain_error.h"

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
                                    {{"service", service}})) {}

std::optional<std::string> RedisCache::GetLocal(const std::string& key) {
  if (near_ == nullptr) {
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

// A marker: a NUL byte (no serialized proto starts with one: field number 0 does not exist),
// then a token unique to this invalidation across processes and restarts.
std::string NewMarker() {
  static const uint64_t process_token =
      std::random_device{}() ^ (uint64_t{std::random_device{}()} << 32);
  static std::atomic<uint64_t> counter{0};
  return std::string(1, '\0') + std::to_string(process_token) + ":" +
         std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
}

std::vector<std::string> MarkKey(const std::string& key, const std::string& marker) {
  return {"SET", key, marker, "PX", std::to_string(RedisCache::kInvalidatedForMs)};
}

bool IsMarker(const std::string& value) { return value.empty() || value[0] == '\0'; }

// Sets KEYS[1] to ARGV[2] for ARGV[3] seconds if it holds ARGV[1] ("" : nothing).
constexpr char kFillScript[] =
    "local current = redis.call('GET', KEYS[1]) or ''\n"
    "if current == ARGV[1] then\n"
    "  return redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])\n"
    "end\n"
    "return 0\n";

}  // namespace

std::optional<std::string> RedisCache::Get(const std::string& key, CacheMiss* miss) {
  if (miss != nullptr) {
    *miss = CacheMiss{};
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
    RedisReply reply = redis_.Command({"GET", key});
    std::string value =
        reply->type == REDIS_REPLY_STRING ? ReplyString(reply.get()) : std::string();
    if (!IsMarker(value)) {
      hits_.Increment();
      if (near_ != nullptr) {
        near_->Put(key, value, epoch);
      }
      return value;
    }
    misses_.Increment();
    if (miss != nullptr) {
      miss->seen = true;
      miss->marker = std::move(value);
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
  if (!miss.seen || IsMarker(value)) {
    return;  // Redis did not answer the read, or the value would read as a marker
  }
  try {
    redis_.Command(
        {"EVAL", kFillScript, "1", key, miss.marker, value, std::to_string(ttl_seconds)});
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
    redis_.Pipeline(commands);
  } catch (const DomainError&) {
    fallbacks_.Increment();
  }
  if (near_ != nullptr) {
    for (const auto& key : keys) {
      near_->Erase(key);
    }
  }
}

}  // namespace clienttier
