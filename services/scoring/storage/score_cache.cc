#include "services/scoring/storage/score_cache.h"

namespace clienttier::scoring {

std::string ScoreCacheScope(const std::string& tenant_id) {
  return "ct:scoring:" + tenant_id + ":score:";
}

std::string ScoreCacheKey(const std::string& tenant_id, const std::string& client_id) {
  return ScoreCacheScope(tenant_id) + client_id;
}

}  // namespace clienttier::scoring
