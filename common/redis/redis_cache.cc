#include "common/redis/redis_cache.h"

#include "common/errors/domain_error.h"

namespace clienttier {

RedisCache::RedisCache(RedisClient& redis, MetricsRegistry& metrics, std::string service)
    : redis_(redis),
      hits_(metrics.GetCounter("ct_cache_hits_total", "Cache reads served from Redis",
                               {{"service", service}})),
      misses_(metrics.GetCounter("ct_cache_misses_total", "Cache reads that missed",
                                 {{"service", service}})),
      fallbacks_(metrics.GetCounter("ct_cache_fallbacks_total",
                                    "Cache operations skipped because Redis was unavailable",
                                    {{"service", service}})) {}

std::optional<std::string> RedisCache::Get(const std::string& key) {
  try {
    RedisReply reply = redis_.Command({"GET", key});
    if (reply->type == REDIS_REPLY_STRING) {
      hits_.Increment();
      return ReplyString(reply.get());
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
}

}  // namespace clienttier
