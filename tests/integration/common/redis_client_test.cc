// RedisClient against a private redis-server: when it sends a command a second time, and when
// it must not.
#include "common/redis/redis_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
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

// A private server and a client that has one idle connection to it, after INCR n.
class RedisClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Start();
    redis_ = std::make_unique<RedisClient>(ConfigFor(server_), nullptr);
    ASSERT_EQ(redis_->Command({"INCR", "n"})->integer, 1);
  }

  int64_t Counter() {
    RedisClient reader(ConfigFor(server_), nullptr);
    return std::stoll(ReplyString(reader.Command({"GET", "n"}).get()));
  }

  testing::RedisProcess server_;
  std::unique_ptr<RedisClient> redis_;
};

// A restart closes every idle connection; the next command goes out once more on a fresh one
// instead of failing.
TEST_F(RedisClientTest, ACommandOnAConnectionARestartClosedIsSentOnAFreshOne) {
  server_.Stop();
  server_.Start();  // AOF on: the counter survives
  EXPECT_EQ(redis_->Command({"INCR", "n"})->integer, 2);
  EXPECT_EQ(Counter(), 2);
}

// A command that timed out reached Redis or may still: a frozen server (SIGSTOP) runs it once
// it is thawed. It is not sent again, so it runs once. Sent again, an XREADGROUP's first
// delivery went to a reply nobody read, and a 20k demo waited 30 s for the claim.
TEST_F(RedisClientTest, ACommandThatTimedOutOnAnIdleConnectionIsNotSentAgain) {
  server_.Freeze();
  EXPECT_THROW(redis_->Command({"INCR", "n"}), DomainError);
  server_.Thaw();
  int64_t counted = 0;
  for (int i = 0; i < 50 && counted < 2; ++i) {  // until the thawed server has read it
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    counted = Counter();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // room for a second copy
  EXPECT_EQ(Counter(), 2);
}

}  // namespace
}  // namespace clienttier
