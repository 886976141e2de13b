// Relay resume after a real crash (issue 19 part 2): a relay process publishes a whole pass to
// Redis and is killed with SIGKILL before marking it; a successor with a much smaller batch
// size resumes from the stream position the relay records, and no event reaches the stream
// twice. Before the position was recorded, the successor scanned back only 2x its own batch
// and published again everything older.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "common/db/sql_helpers.h"
#include "common/outbox/outbox.h"
#include "common/outbox/outbox_relay.h"
#include "common/redis/stream_consumer.h"
#include "tests/support/relay_crash_child_process.h"
#include "tests/support/test_env.h"

namespace clienttier {
namespace {

class RelayResumeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::MySqlFromEnv(testing::UniqueDatabaseName("resume"));
    EnsureDatabase(config_);
    pool_ = std::make_unique<MySqlPool>(config_, nullptr);
    ApplyMigrations(*pool_, "outbox", OutboxMigrations());
    stream_ = "ct:test:resume:" + testing::UniqueSuffix();
  }
  void TearDown() override { redis_.Command({"DEL", stream_}); }

  // `transactions` commits of `per_transaction` events each: one outbox row per commit.
  void Append(int transactions, int per_transaction) {
    for (int t = 0; t < transactions; ++t) {
      pool_->InTransaction([&](sql::Connection& connection) {
        std::vector<OutboxEvent> events;
        for (int i = 0; i < per_transaction; ++i) {
          events.push_back({NewEventId(), stream_, "test", "tenant", "p", ""});
        }
        AppendToOutbox(connection, events);
      });
    }
  }
  // Runs a relay in a child process until it has published a pass, then kills it (SIGKILL).
  void PublishAndKill(int batch_size) {
    int child_stdout = -1;
    const pid_t child = testing::SpawnRelayCrashChild(config_.database, batch_size, &child_stdout);
    ASSERT_EQ(testing::ReadLine(child_stdout), "published");  // XADDed, not marked
    ASSERT_EQ(kill(child, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    close(child_stdout);
  }
  // Passes of a relay in this process until the outbox has nothing pending (the dead child's
  // lock is freed when MariaDB notices its closed connection: bounded wait).
  int DrainWith(OutboxRelay& relay) {
    int events = 0;
    for (int pass = 0; pass < 400; ++pass) {
      const int published = relay.RunOnce();
      events += published;
      if (relay.is_leader() && published == 0 && Unpublished() == 0) {
        break;
      }
      if (!relay.is_leader()) {
        usleep(50'000);
      }
    }
    return events;
  }
  int64_t Unpublished() {
    int64_t count = -1;
    pool_->WithConnection([&](sql::Connection& connection) {
      auto rows =
          Query(*Prepare(connection, "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL"));
      rows->next();
      count = rows->getInt64(1);
    });
    return count;
  }
  // The stream's entries and their distinct event ids.
  std::pair<size_t, size_t> StreamCounts() {
    RedisReply reply = redis_.Command({"XRANGE", stream_, "-", "+"});
    const std::vector<StreamEntry> entries = ParseStreamEntries(reply.get());
    std::set<std::string> ids;
    for (const auto& entry : entries) {
      ids.insert(entry.fields.at("event_id"));
    }
    return {entries.size(), ids.size()};
  }

  MySqlConfig config_;
  std::unique_ptr<MySqlPool> pool_;
  RedisClient redis_{testing::RedisFromEnv(), nullptr};
  std::string stream_;
  MetricsRegistry metrics_;
};

TEST_F(RelayResumeTest, ASuccessorWithASmallerBatchPublishesNothingTwice) {
  Append(10, 100);       // 10 rows of 100 events
  PublishAndKill(1000);  // all 1,000 on the stream, none marked
  OutboxRelayOptions small;
  small.batch_size = 100;  // a tenth of the dead relay's pass
  OutboxRelay successor(*pool_, redis_, metrics_, small);
  EXPECT_EQ(DrainWith(successor), 1000);
  EXPECT_EQ(Unpublished(), 0);
  EXPECT_EQ(StreamCounts(), std::make_pair(size_t{1000}, size_t{1000}));  // 0 duplicates
  EXPECT_EQ(metrics_.GetCounter("ct_outbox_recovered_total", "").value(), 1000u);
  EXPECT_EQ(metrics_.GetCounter("ct_outbox_published_total", "").value(), 0u);

  Append(3, 10);  // and it goes on publishing what comes next, once each
  EXPECT_EQ(DrainWith(successor), 30);
  EXPECT_EQ(StreamCounts(), std::make_pair(size_t{1030}, size_t{1030}));
}

TEST_F(RelayResumeTest, ASuccessorWithALargerBatchPublishesTheRestOnce) {
  Append(5, 100);
  OutboxRelayOptions first;
  first.batch_size = 100;
  {
    // A clean pass first, so a position is recorded; its own pool closes with it, which frees
    // the leader lock for the child.
    MySqlPool own_pool(config_, nullptr);
    OutboxRelay earlier(own_pool, redis_, metrics_, first);
    ASSERT_EQ(earlier.RunOnce(), 100);
  }
  PublishAndKill(200);  // 2 more rows on the stream, not marked
  OutboxRelayOptions large;
  large.batch_size = 5000;
  OutboxRelay successor(*pool_, redis_, metrics_, large);
  EXPECT_EQ(DrainWith(successor), 400);  // 200 found on the stream, 200 published
  EXPECT_EQ(Unpublished(), 0);
  EXPECT_EQ(StreamCounts(), std::make_pair(size_t{500}, size_t{500}));
  EXPECT_EQ(metrics_.GetCounter("ct_outbox_recovered_total", "").value(), 200u);
}

}  // namespace
}  // namespace clienttier
