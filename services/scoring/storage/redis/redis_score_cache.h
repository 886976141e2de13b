#pragma once

#include "common/redis/redis_cache.h"
#include "services/scoring/storage/score_cache.h"

namespace clienttier::scoring {

// The score cache in Redis (RedisCache, with its optional in-process near cache), each score
// serialized under ScoreCacheKey, in the tenant's scope (ScoreCacheScope), for `ttl_seconds`.
class RedisScoreCache final : public ScoreCache {
 public:
  RedisScoreCache(RedisCache& cache, int ttl_seconds) : cache_(cache), ttl_seconds_(ttl_seconds) {}

  bool GetLocal(const std::string& tenant_id, const std::string& client_id,
                ::clienttier::scoring::v1::Score* score) override;
  std::optional<::clienttier::scoring::v1::Score> Get(const std::string& tenant_id,
                                                      const std::string& client_id,
                                                      CacheMiss* miss) override;
  void Put(const std::string& tenant_id, const std::string& client_id,
           const ::clienttier::scoring::v1::Score& score, const CacheMiss& miss) override;
  void Invalidate(const std::string& tenant_id,
                  const std::vector<std::string>& client_ids) override;
  void InvalidateTenant(const std::string& tenant_id) override;

 private:
  RedisCache& cache_;
  int ttl_seconds_;
};

}  // namespace clienttier::scoring
