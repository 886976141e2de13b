#include "services/scoring/domain/shard.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace clienttier::scoring {
namespace {

TEST(ShardTest, IsStandardFnv1aModuloTheShardCount) {
  // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c and of "foobar" 0x85944171f73967e8 (the published
  // vectors); the shard is that modulo the count, so any tool can say where a client goes.
  for (const int shards : {2, 4, 7, 1024}) {
    EXPECT_EQ(ShardOf("a", shards), static_cast<int>(0xaf63dc4c8601ec8cULL % shards)) << shards;
    EXPECT_EQ(ShardOf("foobar", shards), static_cast<int>(0x85944171f73967e8ULL % shards))
        << shards;
  }
}

TEST(ShardTest, OneShardOrNoneIsShardZero) {
  EXPECT_EQ(ShardOf("anyone", 1), 0);
  EXPECT_EQ(ShardOf("anyone", 0), 0);
}

TEST(ShardTest, SpreadsSequentialIdsEvenly) {
  constexpr int kShards = 4;
  constexpr int kClients = 20000;
  std::vector<int> counts(kShards, 0);
  for (int i = 0; i < kClients; ++i) {
    const int shard = ShardOf("c-" + std::to_string(i), kShards);
    ASSERT_GE(shard, 0);
    ASSERT_LT(shard, kShards);
    ++counts[static_cast<size_t>(shard)];
  }
  for (const int count : counts) {
    EXPECT_GT(count, kClients / kShards * 9 / 10);
    EXPECT_LT(count, kClients / kShards * 11 / 10);
  }
}

}  // namespace
}  // namespace clienttier::scoring
