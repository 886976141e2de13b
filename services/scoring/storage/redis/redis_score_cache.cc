#include "services/scoring/storage/redis/redis_score_cache.h"

namespace clienttier::scoring {

namespace v1 = ::clienttier::scoring::v1;

bool RedisScoreCache::GetLocal(const std::string& tenant_id, const std::string& client_id,
                               v1::Score* score) {
  auto local = cache_.GetLocal(ScoreCacheKey(tenant_id, client_id));
  return local && score->ParseFromString(*local);
}

std::optional<v1::Score> RedisScoreCache::Get(const std::string& tenant_id,
                                              const std::string& client_id, CacheMiss* miss) {
  if (auto cached =
          cache_.Get(ScoreCacheKey(tenant_id, client_id), miss, ScoreCacheScope(tenant_id))) {
    v1::Score score;
    if (score.ParseFromString(*cached)) {
      return score;
    }
  }
  return std::nullopt;
}

void RedisScoreCache::Put(const std::string& tenant_id, const std::string& client_id,
                          const v1::Score& score, const CacheMiss& miss) {
  cache_.Put(ScoreCacheKey(tenant_id, client_id), score.SerializeAsString(), ttl_seconds_, miss);
}

void RedisScoreCache::Invalidate(const std::string& tenant_id,
                                 const std::vector<std::string>& client_ids) {
  std::vector<std::string> keys;
  keys.reserve(client_ids.size());
  for (const auto& client_id : client_ids) {
    keys.push_back(ScoreCacheKey(tenant_id, client_id));
  }
  cache_.Invalidate(keys);
}

void RedisScoreCache::InvalidateTenant(const std::string& tenant_id) {
  cache_.InvalidateScope(ScoreCacheScope(tenant_id));
}

}  // namespace clienttier::scoring
