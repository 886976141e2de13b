#include "services/scoring/domain/shard.h"

#include <cstdint>

namespace clienttier::scoring {

int ShardOf(const std::string& client_id, int shard_count) {
  if (shard_count <= 1) {
    return 0;
  }
  uint64_t hash = 1469598103934665603ULL;
  for (const unsigned char c : client_id) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return static_cast<int>(hash % static_cast<uint64_t>(shard_count));
}

}  // namespace clienttier::scoring
