// Poison events on the real scoring (issue 19 part 4): an event whose apply MariaDB refuses on
// every delivery goes to ct:events:profile:dead:<group> after max_deliveries, and the client's
// next event, read with it, is applied. A database that is down (mariadbd stopped, a private
// one) fails every delivery, and no event is dead-lettered for it.
#include <chrono>
#include <string>
#include <thread>

#include "common/outbox/streams.h"
#include "common/redis/dead_letters.h"
#include "tests/integration/scoring/scoring_fixture.h"
#include "tests/support/mariadb_process.h"

namespace clienttier::scoring {
namespace {

constexpr int kMaxDeliveries = 3;

class ScoringDeadLetterTest : public ScoringFixture {
 protected:
  void AdjustScoringConfig(ScoringAppConfig& config) override {
    config.consumer.max_deliveries = kMaxDeliveries;
  }
  void TearDown() override {
    redis_.Command({"DEL", DeadLetters().name()});
    ScoringFixture::TearDown();
  }

  DeadLetterStream DeadLetters() {
    return DeadLetterStream(redis_, kProfileEventStream, scoring_config_.consumer.group);
  }

  RedisClient redis_{testing::RedisFromEnv(), nullptr};
};

TEST_F(ScoringDeadLetterTest, APoisonEventIsDeadLetteredAndTheEventAfterItIsApplied) {
  // A producer bug: a client id longer than any id may be. MariaDB refuses the aggregate row
  // (VARCHAR(64), strict mode) on every delivery.
  const pv1::ProfileEvent poison = PurchaseEvent(std::string(300, 'x'), 5000);
  const pv1::ProfileEvent good = PurchaseEvent("c1", 12000);
  scoring_->consumer().Stop();  // both are in one read, the good one behind the poison
  PublishProfileEvent(poison);
  PublishProfileEvent(good);
  scoring_->consumer().Start();

  const v1::Score score =
      WaitForScore("c1", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 1; });
  EXPECT_EQ(score.lifetime_spend().units(), 12000);
  // The read's first apply, one transaction per partition of clients, may commit c1's part
  // before the poison's fails, so c1 can be scored before the poison's last delivery.
  std::vector<DeadLetter> dead = DeadLetters().List(10);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (dead.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    dead = DeadLetters().List(10);
  }
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].fields.at("event_id"), poison.event_id());
  EXPECT_EQ(dead[0].fields.at("payload"), poison.SerializeAsString());
  EXPECT_EQ(dead[0].deliveries, kMaxDeliveries);
  EXPECT_FALSE(dead[0].error.empty());
  EXPECT_EQ(Counter("ct_scoring_events_dead_lettered_total"), 1u);
  // Nothing is left pending in the group: the consumer went on.
  EXPECT_EQ(redis_.Command({"XPENDING", kProfileEventStream, scoring_config_.consumer.group})
                ->element[0]
                ->integer,
            0);
}

// Scoring over a private mariadbd, which the test stops and starts again.
class ScoringOutageDeadLetterTest : public ScoringDeadLetterTest {
 protected:
  void SetUp() override {
    mariadb_.Start();
    ScoringDeadLetterTest::SetUp();
  }
  void TearDown() override {
    if (stopped_) {
      mariadb_.Start();  // scoring's shutdown needs its database
    }
    ScoringDeadLetterTest::TearDown();
  }
  void AdjustScoringConfig(ScoringAppConfig& config) override {
    ScoringDeadLetterTest::AdjustScoringConfig(config);
    const int pool_size = config.mysql.pool_size;
    config.mysql = mariadb_.Config(testing::UniqueDatabaseName("scoring"));
    config.mysql.pool_size = pool_size;
  }

  // c1 scored with one purchase; then the database stops and c1's second purchase is published;
  // returns once `failed_deliveries` deliveries of it have failed (bounded at 60 s).
  void SecondPurchaseFailsWhileTheDatabaseIsDown(uint64_t failed_deliveries) {
    PublishProfileEvent(PurchaseEvent("c1", 1000));
    WaitForScore("c1", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 1; });
    mariadb_.Stop();
    stopped_ = true;
    const uint64_t failures = Counter("ct_scoring_events_failures_total");
    PublishProfileEvent(PurchaseEvent("c1", 2000));
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (Counter("ct_scoring_events_failures_total") < failures + failed_deliveries &&
           std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_GE(Counter("ct_scoring_events_failures_total"), failures + failed_deliveries);
    EXPECT_TRUE(DeadLetters().List(10).empty());
  }

  // Starts the database again and waits until c1's score shows both purchases.
  void BothPurchasesShowOnceTheDatabaseIsBack() {
    mariadb_.Start();
    stopped_ = false;
    const v1::Score score = WaitForScore(
        "c1", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 2; });
    EXPECT_EQ(score.lifetime_spend().units(), 3000);
    EXPECT_TRUE(DeadLetters().List(10).empty());
  }

  testing::MariaDbProcess mariadb_;
  bool stopped_ = false;
};

TEST_F(ScoringOutageDeadLetterTest, EventsFailingWhileTheDatabaseIsDownAreNotDeadLettered) {
  // Twice max_deliveries failed deliveries (one per claim, or per re-read of its own pending).
  ASSERT_NO_FATAL_FAILURE(SecondPurchaseFailsWhileTheDatabaseIsDown(2 * kMaxDeliveries));
  BothPurchasesShowOnceTheDatabaseIsBack();
  EXPECT_EQ(Counter("ct_scoring_events_dead_lettered_total"), 0u);
}

// The same outage with a claim an hour away: the events the consumer left pending for the
// outage are its own next read, retried after a pause, and applied once the database is back,
// not claimed an hour later.
class ScoringOutageWithoutClaimTest : public ScoringOutageDeadLetterTest {
 protected:
  void AdjustScoringConfig(ScoringAppConfig& config) override {
    ScoringOutageDeadLetterTest::AdjustScoringConfig(config);
    config.consumer.claim_idle_ms = 3600 * 1000;
  }
};

TEST_F(ScoringOutageWithoutClaimTest, EventsLeftPendingForAnOutageAreAppliedOnceTheDatabaseIsBack) {
  // Tried again without a claim: a second failed delivery.
  ASSERT_NO_FATAL_FAILURE(SecondPurchaseFailsWhileTheDatabaseIsDown(2));
  BothPurchasesShowOnceTheDatabaseIsBack();
}

}  // namespace
}  // namespace clienttier::scoring
