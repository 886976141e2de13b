#include "common/redis/redis_cache.h"

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

std::optional<std::string> RedisCache::Get(const std::string& key) {
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
    if (reply->type == REDIS_REPLY_STRING) {
      hits_.Increment();
      std::string value = ReplyString(reply.get());
      if (near_ != nullptr) {
        near_->Put(key, value, epoch);
      }
      return value;
    }
    misses_.Increment();
    return std::nullopt;
  } catch (const DomainError&) {
    fallbacks_.Increment();
    return std::nullopt;
  }
}

void RedisCache::Put(const std::string& key, const std::string& value, int ttl_seconds) {
  try {
    redis_.Command({"SET", key, value, "EX", std::to_string(ttl_seconds)});
  } catch (const DomainError&) {
    fallbacks_.Increment();
  }
}

void RedisCache::Invalidate(const std::vector<std::string>& keys) {
  if (keys.empty()) {
    return;
  }
  std::vector<std::string> command{"DEL"};
  command.insert(command.end(), keys.begin(), keys.end());
  try {
    redis_.Command(command);
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
