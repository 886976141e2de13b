#include "common/redis/near_cache.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "common/redis/redis_cache.h"
#include "tests/support/test_env.h"

namespace clienttier {
namespace {

using std::chrono::milliseconds;

// Polls `condition` for up to two seconds: announcements travel asynchronously.
bool Eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  return condition();
}

class NearCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { prefix_ = "ct:test:near:" + testing::UniqueSuffix() + ":"; }

  std::unique_ptr<NearCache> MakeNear(const RedisConfig& config) {
    NearCache::Options options;
    options.prefix = prefix_;
    auto near = std::make_unique<NearCache>(config, metrics_, "test", options);
    near->Start();
    return near;
  }

  MetricsRegistry metrics_;
  std::string prefix_;
};

TEST_F(NearCacheTest, AChangeByAnotherReplicaReplacesTheLocalCopy) {
  const RedisConfig config = testing::RedisFromEnv();
  RedisClient redis(config, nullptr);
  auto near = MakeNear(config);
  ASSERT_TRUE(Eventually([&] { return near->Active(); }));
  RedisCache cache(redis, metrics_, "test", near.get());
  RedisClient other_replica(config, nullptr);
  const std::string key = prefix_ + "client:1";

  const uint64_t epoch_before_set = near->Epoch();
  other_replica.Command({"SET", key, "v1"});
  // The SET's own announcement must land first, or it would (rightly) refuse the copy.
  ASSERT_TRUE(Eventually([&] { return near->Epoch() != epoch_before_set; }));
  ASSERT_EQ(cache.Get(key), "v1");  // from Redis, kept locally
  ASSERT_EQ(near->Get(key), "v1");

  other_replica.Command({"SET", key, "v2"});
  EXPECT_TRUE(Eventually([&] { return !near->Get(key).has_value(); }));
  EXPECT_EQ(cache.Get(key), "v2");
}

// Another replica invalidates a whole scope (one tenant's scores): this replica's copies in
// that scope go, its copies in another scope stay, and the next read fills again.
TEST_F(NearCacheTest, AScopeInvalidationByAnotherReplicaDropsTheScopesLocalCopiesOnly) {
  const RedisConfig config = testing::RedisFromEnv();
  RedisClient redis(config, nullptr);
  auto near = MakeNear(config);
  ASSERT_TRUE(Eventually([&] { return near->Active(); }));
  RedisCache cache(redis, metrics_, "test", near.get());
  RedisClient other_connection(config, nullptr);
  RedisCache other_replica(other_connection, metrics_, "other");
  const std::string scope = prefix_ + "t1:";
  const std::string other_scope = prefix_ + "t2:";
  const std::string key = scope + "c1";
  const std::string other_key = other_scope + "c1";

  for (const auto& [one_key, one_scope] : {std::pair{key, scope}, {other_key, other_scope}}) {
    CacheMiss miss;
    ASSERT_FALSE(cache.Get(one_key, &miss, one_scope).has_value());
    const uint64_t epoch_before_fill = near->Epoch();
    cache.Put(one_key, "v1", 60, miss);
    // The fill's own announcement must land first, or it would (rightly) refuse the copy.
    ASSERT_TRUE(Eventually([&] { return near->Epoch() != epoch_before_fill; }));
    ASSERT_EQ(cache.Get(one_key, nullptr, one_scope), "v1");
    ASSERT_EQ(near->Get(one_key), "v1");
  }

  other_replica.InvalidateScope(scope);
  EXPECT_TRUE(Eventually([&] { return !near->Get(key).has_value(); }));
  EXPECT_EQ(near->Get(other_key), "v1");
  CacheMiss miss;
  EXPECT_FALSE(cache.Get(key, &miss, scope).has_value());  // Redis's copy is of the old generation
  cache.Put(key, "v2", 60, miss);
  EXPECT_EQ(cache.Get(key, nullptr, scope), "v2");
}

TEST_F(NearCacheTest, KeysOutsideThePrefixAreNotAnnounced) {
  const RedisConfig config = testing::RedisFromEnv();
  RedisClient redis(config, nullptr);
  auto near = MakeNear(config);
  ASSERT_TRUE(Eventually([&] { return near->Active(); }));
  const std::string key = prefix_ + "kept";
  near->Put(key, "value", near->Epoch());
  redis.Command({"SET", "ct:test:elsewhere:" + testing::UniqueSuffix(), "x"});
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_EQ(near->Get(key), "value");
}

TEST_F(NearCacheTest, AValueReadBeforeAnAnnouncementIsNotKept) {
  const RedisConfig config = testing::RedisFromEnv();
  RedisClient redis(config, nullptr);
  auto near = MakeNear(config);
  ASSERT_TRUE(Eventually([&] { return near->Active(); }));
  const std::string key = prefix_ + "raced";
  redis.Command({"SET", key, "old"});
  ASSERT_TRUE(Eventually([&] { return near->Epoch() > 2; }));  // the SET's own announcement

  const uint64_t epoch_before_read = near->Epoch();
  redis.Command({"SET", key, "new"});  // lands while our "old" read is in flight
  ASSERT_TRUE(Eventually([&] { return near->Epoch() != epoch_before_read; }));
  near->Put(key, "old", epoch_before_read);
  EXPECT_FALSE(near->Get(key).has_value());
}

TEST_F(NearCacheTest, LosingRedisEmptiesAndDisablesTheLocalCopyUntilItIsBack) {
  testing::RedisProcess server;
  server.Start();
  RedisConfig config = testing::RedisFromEnv();
  config.port = server.port();
  auto near = MakeNear(config);
  ASSERT_TRUE(Eventually([&] { return near->Active(); }));
  const std::string key = prefix_ + "client:2";
  near->Put(key, "cached", near->Epoch());
  ASSERT_EQ(near->Get(key), "cached");

  // Changes made while the link is down could never be announced: nothing may survive it.
  server.Stop();
  EXPECT_TRUE(Eventually([&] { return !near->Active(); }));
  EXPECT_FALSE(near->Get(key).has_value());
  near->Put(key, "while-down", near->Epoch());
  EXPECT_FALSE(near->Get(key).has_value());

  server.Start();
  EXPECT_TRUE(Eventually([&] { return near->Active(); }));
  EXPECT_FALSE(near->Get(key).has_value());
  near->Put(key, "fresh", near->Epoch());
  EXPECT_EQ(near->Get(key), "fresh");
}

}  // namespace
}  // namespace clienttier
