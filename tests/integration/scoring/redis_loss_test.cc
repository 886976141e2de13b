// Redis data loss (issue 19 part 1): Redis is killed with SIGKILL while scoring is behind on
// ct:events:profile, and comes back empty on the same port. Nobody replays anything by hand:
// client-profile's relay finds its stream lost and replays its retained outbox rows, scoring's
// consumer group is created again from the stream's start, and its event-id dedupe skips what it
// had applied. Every client's score ends exact. Before the relay watched its streams, the events
// published while scoring was behind were gone for good.
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "tests/integration/scoring/scoring_fixture.h"

namespace clienttier::scoring {
namespace {

class RedisLossTest : public ScoringFixture {
 protected:
  // A Redis of this test's own, which it can kill; the fixture's services connect to it.
  void SetUp() override {
    redis_process_.Start();
    SaveEnv("CT_REDIS_HOST", &saved_host_);
    SaveEnv("CT_REDIS_PORT", &saved_port_);
    setenv("CT_REDIS_HOST", "127.0.0.1", 1);
    setenv("CT_REDIS_PORT", std::to_string(redis_process_.port()).c_str(), 1);
    ScoringFixture::SetUp();
  }
  void TearDown() override {
    ScoringFixture::TearDown();
    setenv("CT_REDIS_HOST", saved_host_.c_str(), 1);
    setenv("CT_REDIS_PORT", saved_port_.c_str(), 1);
  }
  // This Redis has no other test's history: the group reads the stream from its start, as in
  // production, so the replayed entries reach it after the group is created again.
  void AdjustScoringConfig(ScoringAppConfig& config) override { config.consumer.start_id = "0"; }

  static void SaveEnv(const char* name, std::string* saved) {
    const char* value = std::getenv(name);
    *saved = value != nullptr ? value : "";
  }
  // Each client `count` purchases of 100 + round minor units (distinct idempotency keys).
  void PurchaseRound(int round, int clients, int count) {
    for (int c = 0; c < clients; ++c) {
      for (int i = 0; i < count; ++i) {
        RecordPurchase(
            "r" + std::to_string(round) + "-" + std::to_string(c) + "-" + std::to_string(i),
            Client(c), 100 + round, 1 + i, writer_a_);
      }
    }
  }
  static std::string Client(int c) { return "client-" + std::to_string(c); }
  int64_t ProfileStreamLength() {
    RedisConfig direct;
    direct.port = redis_process_.port();
    RedisClient redis(direct, nullptr);
    RedisReply length = redis.Command({"XLEN", "ct:events:profile"});
    return length && length->type == REDIS_REPLY_INTEGER ? length->integer : -1;
  }
  uint64_t ProfileCounter(const std::string& name) {
    return profile_->metrics().GetCounter(name, "").value();
  }

  testing::RedisProcess redis_process_;
  std::string saved_host_;
  std::string saved_port_;
};

TEST_F(RedisLossTest, ScoresBecomeExactAfterRedisRestartsEmptyWhileScoringIsBehind) {
  constexpr int kClients = 30;
  for (int c = 0; c < kClients; ++c) {
    CreateClient(Client(c), writer_a_);
  }
  PurchaseRound(1, kClients, 3);
  for (int c = 0; c < kClients; ++c) {
    WaitForScore(Client(c), reader_a_,
                 [](const v1::Score& score) { return score.lifetime_purchases() == 3; });
  }

  // Scoring falls behind: its consumer stops while client-profile goes on publishing.
  scoring_->consumer().Stop();
  PurchaseRound(2, kClients, 2);
  const int64_t published = kClients + kClients * 3 + kClients * 2;
  for (int wait = 0; wait < 300 && ProfileStreamLength() < published; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(ProfileStreamLength(), published);  // on the stream, never read by scoring

  redis_process_.KillAndWipe();  // kill -9: the stream, its groups and everything unread go
  redis_process_.Start();        // an empty Redis on the same port
  PurchaseRound(3, kClients, 1);
  scoring_->consumer().Start();

  const int64_t spend = 3 * 101 + 2 * 102 + 1 * 103;
  for (int c = 0; c < kClients; ++c) {
    const v1::Score score = WaitForScore(Client(c), reader_a_, [&](const v1::Score& s) {
      return s.lifetime_purchases() == 6 && s.lifetime_spend().units() == spend;
    });
    EXPECT_EQ(score.lifetime_purchases(), 6) << Client(c);
    EXPECT_EQ(score.lifetime_spend().units(), spend) << Client(c);
  }
  EXPECT_GE(ProfileCounter("ct_outbox_stream_resets_total"), 1u);
  EXPECT_GE(ProfileCounter("ct_outbox_replayed_total"), static_cast<uint64_t>(published));
  // The replay carried the events scoring had applied before: skipped, not applied twice.
  EXPECT_GE(Counter("ct_scoring_events_duplicate_total"), static_cast<uint64_t>(kClients * 3));
}

}  // namespace
}  // namespace clienttier::scoring
