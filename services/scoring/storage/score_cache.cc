#include "services/scoring/storage/score_cache.h"

namespace clienttier::scoring {

std::string ScoreCacheKey(const std::string& tenant_id, const std::string& client_id) {
  return "ct:scoring:" + tenant_id + ":score:" + client_id;
}

}  // namespace clienttier::scoring
