#include "services/scoring/domain/shard.h"

#include <cstdint>

#include "common/hash/hash.h"

namespace clienttier::scoring {

int ShardOf(const std::string& client_id, int shard_count) {
  if (shard_count <= 1) {
    return 0;
  }
  return static_cast<int>(Fnv1a64(client_id) % static_cast<uint64_t>(shard_count));
}

}  // namespace clienttier::scoring
