#include "services/scoring/domain/shard.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <set>
#include <string>
#include <vector>

namespace clienttier::scoring {
namespace {

TEST(ShardTest, TheShardsOfACountPartitionTheBucketsEvenly) {
  for (const int shards : {2, 3, 4, 7, 8, 1000, 1024}) {
    std::set<int> seen;
    size_t smallest = kShardBuckets;
    size_t largest = 0;
    for (int shard = 0; shard < shards; ++shard) {
      const std::vector<int> buckets = BucketsOfShard(shard, shards);
      ASSERT_FALSE(buckets.empty()) << shard << " of " << shards;
      smallest = std::min(smallest, buckets.size());
      largest = std::max(largest, buckets.size());
      for (const int bucket : buckets) {
        EXPECT_TRUE(seen.insert(bucket).second) << bucket << " in two shards of " << shards;
        EXPECT_EQ(ShardOfBucket(bucket, shards), shard);
        EXPECT_GE(bucket, 0);
        EXPECT_LT(bucket, kShardBuckets);
      }
    }
    EXPECT_EQ(seen.size(), static_cast<size_t>(kShardBuckets)) << shards;
    EXPECT_LE(largest - smallest, 1u) << shards;
  }
}

TEST(ShardTest, ABucketBelongsToItsNumberModuloTheCount) {
  EXPECT_EQ(ShardOfBucket(1023, 4), 3);
  EXPECT_EQ(ShardOfBucket(10, 3), 1);
  EXPECT_EQ(BucketsOfShard(1, 512), (std::vector<int>{1, 513}));
}

TEST(ShardTest, OneShardOrNoneOwnsEveryBucket) {
  EXPECT_EQ(ShardOfBucket(77, 1), 0);
  EXPECT_EQ(ShardOfBucket(77, 0), 0);
  EXPECT_EQ(BucketsOfShard(0, 1).size(), static_cast<size_t>(kShardBuckets));
  EXPECT_EQ(BucketsOfShard(0, 0).size(), static_cast<size_t>(kShardBuckets));
}

TEST(ShardTest, MariaDbsBucketRuleSpreadsSequentialIdsEvenly) {
  // The bucket is MariaDB's CRC32(client_id) % 1024 (migration 005); zlib's crc32 is the same
  // function (the integration test checks the stored column against it).
  constexpr int kShards = 4;
  constexpr int kClients = 20000;
  std::vector<int> counts(kShards, 0);
  for (int i = 0; i < kClients; ++i) {
    const std::string id = "c-" + std::to_string(i);
    const uLong crc =
        crc32(0L, reinterpret_cast<const Bytef*>(id.data()), static_cast<uInt>(id.size()));
    ++counts[static_cast<size_t>(ShardOfBucket(static_cast<int>(crc % kShardBuckets), kShards))];
  }
  for (const int count : counts) {
    EXPECT_GT(count, kClients / kShards * 9 / 10);
    EXPECT_LT(count, kClients / kShards * 11 / 10);
  }
}

}  // namespace
}  // namespace clienttier::scoring
