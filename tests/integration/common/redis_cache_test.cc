// RedisCache against a real Redis: a fill that raced an invalidation keeps nothing, and a fill
// after the invalidation is kept.
#include "common/redis/redis_cache.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

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

// A scope (one tenant's scores) invalidated with one command: every key filled in it reads as
// a miss, a fill that raced the invalidation keeps nothing, a later fill is kept, and keys
// outside the scope keep their values. A key's own marker still works inside a scope.
TEST_F(RedisCacheTest, AScopeInvalidationDropsEveryKeyInItAndRefusesTheFillsThatRacedIt) {
  const std::string scope = key_ + ":t1:";
  const std::string a = scope + "a";
  const std::string b = scope + "b";
  const auto miss_in_scope = [&](const std::string& key) {
    CacheMiss miss;
    EXPECT_FALSE(cache_.Get(key, &miss, scope).has_value()) << key;
    EXPECT_TRUE(miss.seen);
    return miss;
  };
  cache_.Put(a, "a1", 60, miss_in_scope(a));
  cache_.Put(key_, "outside", 60, Miss());
  ASSERT_EQ(cache_.Get(a, nullptr, scope), "a1");

  const CacheMiss before_change = miss_in_scope(b);  // then reads "b-old" from MySQL
  cache_.InvalidateScope(scope);                     // the job's commit, then its refresh
  cache_.Put(b, "b-old", 60, before_change);
  EXPECT_FALSE(cache_.Get(b, nullptr, scope).has_value());
  // Not even stored: it would only stand in the way of the next reader's fill.
  EXPECT_EQ(ReplyString(redis_.Command({"GET", b}).get()), "");
  EXPECT_FALSE(cache_.Get(a, nullptr, scope).has_value());  // filled before: dropped too
  EXPECT_EQ(cache_.Get(key_), "outside");

  cache_.Put(a, "a2", 60, miss_in_scope(a));
  cache_.Put(b, "b-new", 60, miss_in_scope(b));
  EXPECT_EQ(cache_.Get(a, nullptr, scope), "a2");
  EXPECT_EQ(cache_.Get(b, nullptr, scope), "b-new");

  const CacheMiss before_key_change = [&] {
    cache_.Invalidate({a});
    return miss_in_scope(a);
  }();
  cache_.Invalidate({a});
  cache_.Put(a, "a-stale", 60, before_key_change);
  EXPECT_FALSE(cache_.Get(a, nullptr, scope).has_value());

  // The generation never expires: old copies would read as current again once it did.
  EXPECT_EQ(redis_.Command({"TTL", scope})->integer, -1);
  redis_.Command({"DEL", scope, a, b});
}

TEST_F(RedisCacheTest, WithoutAnAnswerFromRedisThereIsNoFill) {
  cache_.Put(key_, "v1", 60, CacheMiss{});  // a read that failed: nothing seen
  EXPECT_FALSE(cache_.Get(key_).has_value());
}

// An invalidation Redis never saw: after a command timed out (the server frozen with SIGSTOP)
// the client fails fast for a while and sends nothing, so the second change's invalidation is
// lost in transit, and Redis would serve the old value to every replica until its TTL. It is
// owed instead: this process does not read or fill the key meanwhile, and the retry after the
// outage replaces the old value with a marker.
TEST(RedisCacheOutageTest, AnInvalidationRedisNeverSawIsOwedAndSentAgainOnceItIsBack) {
  testing::RedisProcess server;
  server.Start();
  RedisConfig config;
  config.port = server.port();
  config.command_timeout_ms = 300;
  config.retry_after_ms = 1500;  // the fail-fast window after the timeout
  RedisClient redis(config, nullptr);
  MetricsRegistry metrics;
  RedisCache cache(redis, metrics, "test");
  const std::string timed_out = "ct:test:owed:a";
  const std::string never_sent = "ct:test:owed:b";
  const std::string scope = "ct:test:owed:scope:";
  const std::string in_scope = scope + "c";
  for (const std::string& key : {timed_out, never_sent}) {
    CacheMiss miss;
    ASSERT_FALSE(cache.Get(key, &miss).has_value());
    cache.Put(key, "old", 60, miss);
    ASSERT_EQ(cache.Get(key), "old");
  }
  {
    CacheMiss miss;
    ASSERT_FALSE(cache.Get(in_scope, &miss, scope).has_value());
    cache.Put(in_scope, "old", 60, miss);
    ASSERT_EQ(cache.Get(in_scope, nullptr, scope), "old");
  }

  server.Freeze();
  cache.Invalidate({timed_out});   // reaches the frozen server, times out at the client
  cache.Invalidate({never_sent});  // fails fast: never sent
  cache.InvalidateScope(scope);    // the same, for a whole scope
  server.Thaw();
  RedisConfig patient = config;
  patient.command_timeout_ms = 2000;
  RedisClient another_replica(patient, nullptr);
  ASSERT_EQ(ReplyString(another_replica.Command({"GET", never_sent}).get()), "old");  // lost
  EXPECT_EQ(cache.owed(), 3U);
  CacheMiss miss;
  EXPECT_FALSE(cache.Get(never_sent, &miss).has_value());  // not the old value from Redis
  cache.Put(never_sent, "stale read", 60, miss);           // nor a fill
  CacheMiss miss_in_scope;
  EXPECT_FALSE(cache.Get(in_scope, &miss_in_scope, scope).has_value());
  cache.Put(in_scope, "stale read", 60, miss_in_scope);
  EXPECT_EQ(cache.RetryOwed(), 3U);  // still failing fast: still owed

  size_t owed = 3;
  for (int i = 0; i < 50 && owed > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    owed = cache.RetryOwed();
  }
  EXPECT_EQ(owed, 0U);
  for (const std::string& key : {timed_out, never_sent}) {
    const std::string held = ReplyString(another_replica.Command({"GET", key}).get());
    EXPECT_TRUE(!held.empty() && held[0] == '\0') << key << " holds " << held;
  }
  // The scope has a new generation: its old copy is a miss for every replica.
  RedisCache other_cache(another_replica, metrics, "other");
  EXPECT_FALSE(other_cache.Get(in_scope, nullptr, scope).has_value());
  EXPECT_EQ(ReplyString(another_replica.Command({"GET", in_scope}).get()).find("stale"),
            std::string::npos);
  CacheMiss after;
  EXPECT_FALSE(cache.Get(never_sent, &after).has_value());
  cache.Put(never_sent, "new", 60, after);
  EXPECT_EQ(cache.Get(never_sent), "new");
}

}  // namespace
}  // namespace clienttier
