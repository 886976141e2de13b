// RedisCache against a real Redis: a fill that raced an invalidation keeps nothing, and a fill
// after the invalidation is kept.
#include "common/redis/redis_cache.h"

#include <gtest/gtest.h>

#include "tests/support/test_env.h"

namespace clienttier {
namespace {

class RedisCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { key_ = "ct:test:cache:" + testing::UniqueSuffix(); }
  void TearDown() override { redis_.Command({"DEL", key_}); }

  // A reader's miss: nothing cached, and what Redis held for the fill.
  CacheMiss Miss() {
    CacheMiss miss;
    EXPECT_FALSE(cache_.Get(key_, &miss).has_value());
    EXPECT_TRUE(miss.seen);
    return miss;
  }

  RedisClient redis_{testing::RedisFromEnv(), nullptr};
  MetricsRegistry metrics_;
  RedisCache cache_{redis_, metrics_, "test"};
  std::string key_;
};

TEST_F(RedisCacheTest, AMissIsFilledAndReadBackAndASecondFillDoesNotReplaceIt) {
  const CacheMiss first = Miss();
  const CacheMiss second = Miss();  // another reader, at the same time
  cache_.Put(key_, "v1", 60, first);
  EXPECT_EQ(cache_.Get(key_), "v1");
  cache_.Put(key_, "v0", 60, second);
  EXPECT_EQ(cache_.Get(key_), "v1");
  const int64_t ttl_s = redis_.Command({"TTL", key_})->integer;
  EXPECT_GT(ttl_s, 50);
  EXPECT_LE(ttl_s, 60);
}

// The race cache-aside is known for: a reader misses and reads the database (the old row), a
// writer commits and invalidates, then the reader puts what it read. The old value must not be
// served afterwards (with DEL it was, until the TTL); a reader that missed after the change
// fills as usual.
TEST_F(RedisCacheTest, AFillThatRacedAnInvalidationKeepsNothingAndALaterFillIsKept) {
  const CacheMiss before_change = Miss();  // then reads "old" from MySQL
  cache_.Invalidate({key_});               // the writer's commit, then its invalidation
  cache_.Put(key_, "old", 60, before_change);
  EXPECT_FALSE(cache_.Get(key_).has_value());

  const CacheMiss after_change = Miss();  // reads "new"
  cache_.Put(key_, "new", 60, after_change);
  EXPECT_EQ(cache_.Get(key_), "new");

  // Invalidated twice while a reader was away: its fill finds another marker than it saw.
  cache_.Invalidate({key_});
  const CacheMiss between = Miss();
  cache_.Invalidate({key_});
  cache_.Put(key_, "newer", 60, between);
  EXPECT_FALSE(cache_.Get(key_).has_value());

  // The marker lasts RedisCache::kInvalidatedForMs; a reader that saw it and comes back after
  // it expired keeps nothing either (it cannot tell what happened meanwhile).
  const int64_t marker_ms = redis_.Command({"PTTL", key_})->integer;
  EXPECT_GT(marker_ms, 0);
  EXPECT_LE(marker_ms, RedisCache::kInvalidatedForMs);
  const CacheMiss saw_marker = Miss();
  redis_.Command({"DEL", key_});  // as if it expired
  cache_.Put(key_, "late", 60, saw_marker);
  EXPECT_FALSE(cache_.Get(key_).has_value());
}

TEST_F(RedisCacheTest, WithoutAnAnswerFromRedisThereIsNoFill) {
  cache_.Put(key_, "v1", 60, CacheMiss{});  // a read that failed: nothing seen
  EXPECT_FALSE(cache_.Get(key_).has_value());
}

}  // namespace
}  // namespace clienttier
