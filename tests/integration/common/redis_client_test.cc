// RedisClient against a private redis-server: when it sends a command a second time, and when
// it must not.
#include "common/redis/redis_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "common/errors/domain_error.h"
#include "tests/support/test_env.h"

namespace clienttier {
namespace {

RedisConfig ConfigFor(const testing::RedisProcess& server) {
  RedisConfig config;
  config.port = server.port();
  config.command_timeout_ms = 300;
  config.retry_after_ms = 1;
  return config;
}

int64_t Counter(const testing::RedisProcess& server) {
  RedisClient reader(ConfigFor(server), nullptr);
  return std::stoll(ReplyString(reader.Command({"GET", "n"}).get()));
}

// A restart closes every idle connection; the next command goes out once more on a fresh one
// instead of failing.
TEST(RedisClientTest, ACommandOnAConnectionARestartClosedIsSentOnAFreshOne) {
  testing::RedisProcess server;
  server.Start();
  RedisClient redis(ConfigFor(server), nullptr);
  EXPECT_EQ(redis.Command({"INCR", "n"})->integer, 1);  // leaves an idle connection
  server.Stop();
  server.Start();  // AOF on: the counter survives
  EXPECT_EQ(redis.Command({"INCR", "n"})->integer, 2);
  EXPECT_EQ(Counter(server), 2);
}

// A command that timed out reached Redis or may still: a frozen server (SIGSTOP) runs it once
// it is thawed. It is not sent again, so it runs once. Sent again, an XREADGROUP's first
// delivery went to a reply nobody read, and a 20k demo waited 30 s for the claim.
TEST(RedisClientTest, ACommandThatTimedOutOnAnIdleConnectionIsNotSentAgain) {
  testing::RedisProcess server;
  server.Start();
  RedisClient redis(ConfigFor(server), nullptr);
  EXPECT_EQ(redis.Command({"INCR", "n"})->integer, 1);  // leaves an idle connection
  server.Freeze();
  EXPECT_THROW(redis.Command({"INCR", "n"}), DomainError);
  server.Thaw();
  int64_t counted = 0;
  for (int i = 0; i < 50 && counted < 2; ++i) {  // until the thawed server has read it
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    counted = Counter(server);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // room for a second copy
  EXPECT_EQ(Counter(server), 2);
}

}  // namespace
}  // namespace clienttier
