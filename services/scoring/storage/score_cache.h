#pragma once

#include <optional>
#include <string>
#include <vector>

#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "common/redis/cache_miss.h"

namespace clienttier::scoring {

// "ct:scoring:{tenant}:score:{client_id}", the cache key of one client's latest score (also
// the invalidate key of the events that describe it).
std::string ScoreCacheKey(const std::string& tenant_id, const std::string& client_id);
// "ct:scoring:{tenant}:score:", the prefix of every cache key of the tenant's scores (a scope
// that RedisCache invalidates whole).
std::string ScoreCacheScope(const std::string& tenant_id);

// GetScore's cache of latest scores (cache-aside, TTL, invalidated after each commit that
// changes a score). Every method is best effort: a cache outage is a miss. Thread-safe: gRPC's
// threads read it at once, and BatchRescore's chunk writers invalidate from their own threads.
class ScoreCache {
 public:
  virtual ~ScoreCache() = default;
  // The in-process copy only, without I/O; false on a miss.
  virtual bool GetLocal(const std::string& tenant_id, const std::string& client_id,
                        ::clienttier::scoring::v1::Score* score) = 0;
  // nullopt on a miss, which `miss` records for the Put that fills it.
  virtual std::optional<::clienttier::scoring::v1::Score> Get(const std::string& tenant_id,
                                                              const std::string& client_id,
                                                              CacheMiss* miss) = 0;
  // Fills the cache after `miss`, unless the score was invalidated since (RedisCache).
  virtual void Put(const std::string& tenant_id, const std::string& client_id,
                   const ::clienttier::scoring::v1::Score& score, const CacheMiss& miss) = 0;
  virtual void Invalidate(const std::string& tenant_id,
                          const std::vector<std::string>& client_ids) = 0;
  // Drops every cached score of the tenant at once, in O(1) however many clients it has (for a
  // job that rewrites them all).
  virtual void InvalidateTenant(const std::string& tenant_id) = 0;
};

}  // namespace clienttier::scoring
