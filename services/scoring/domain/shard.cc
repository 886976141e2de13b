#include "services/scoring/domain/shard.h"

namespace clienttier::scoring {

int ShardOfBucket(int bucket, int shard_count) {
  if (shard_count <= 1) {
    return 0;
  }
  return bucket % shard_count;
}

std::vector<int> BucketsOfShard(int shard_index, int shard_count) {
  std::vector<int> buckets;
  for (int bucket = 0; bucket < kShardBuckets; ++bucket) {
    if (ShardOfBucket(bucket, shard_count) == (shard_count <= 1 ? 0 : shard_index)) {
      buckets.push_back(bucket);
    }
  }
  return buckets;
}

}  // namespace clienttier::scoring
