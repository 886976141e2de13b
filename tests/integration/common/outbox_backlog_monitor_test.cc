// OutboxBacklogMonitor on the real MariaDB and Redis: its gauges show the rows the relay has
// not published and the age of the oldest, and drop to 0 once the relay has published them.
#include "common/outbox/outbox_backlog_monitor.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <cppconn/statement.h>

#include "common/db/migrations.h"
#include "common/db/sql_helpers.h"
#include "common/errors/domain_error.h"
#include "common/outbox/outbox.h"
#include "common/outbox/outbox_relay.h"
#include "tests/support/mariadb_process.h"
#include "tests/support/metric_value.h"
#include "tests/support/test_env.h"

namespace clienttier {
namespace {

class OutboxBacklogMonitorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::MySqlFromEnv(testing::UniqueDatabaseName("backlog"));
    EnsureDatabase(config_);
    pool_ = std::make_unique<MySqlPool>(config_, nullptr);
    ApplyMigrations(*pool_, "outbox", OutboxMigrations());
    stream_ = "ct:test:backlog:" + testing::UniqueSuffix();
  }

  // One committed transaction writing `events` events: one outbox row.
  void Commit(int events) {
    pool_->InTransaction([&](sql::Connection& connection) {
      std::vector<OutboxEvent> batch;
      for (int i = 0; i < events; ++i) {
        batch.push_back({NewEventId(), stream_, "test", "tenant", "payload", ""});
      }
      AppendToOutbox(connection, batch);
    });
  }

  // Makes every waiting row `seconds` older, so an age is visible without the test waiting.
  void AgeWaitingRows(int seconds) {
    pool_->WithConnection([&](sql::Connection& connection) {
      auto update = Prepare(connection,
                            "UPDATE outbox SET created_at = created_at - INTERVAL ? SECOND"
                            " WHERE published_at IS NULL");
      update->setInt(1, seconds);
      update->executeUpdate();
    });
  }

  double Gauge(const std::string& name) const {
    return testing::MetricValue(metrics_.Render(), name);
  }

  MySqlConfig config_;
  std::unique_ptr<MySqlPool> pool_;
  std::string stream_;
  MetricsRegistry metrics_;
};

TEST_F(OutboxBacklogMonitorTest, ShowsUnpublishedRowsAndDropsToZeroAfterPublishing) {
  OutboxBacklogMonitor monitor(*pool_, metrics_);
  monitor.PollOnce();
  EXPECT_EQ(Gauge("ct_outbox_unpublished_rows"), 0);
  EXPECT_EQ(Gauge("ct_outbox_oldest_unpublished_age_seconds"), 0);

  Commit(3);
  Commit(1);
  Commit(5);
  AgeWaitingRows(90);
  monitor.PollOnce();
  EXPECT_EQ(Gauge("ct_outbox_unpublished_rows"), 3);
  const double age = Gauge("ct_outbox_oldest_unpublished_age_seconds");
  EXPECT_GE(age, 89.0);
  EXPECT_LT(age, 600.0);

  RedisClient redis(testing::RedisFromEnv(), nullptr);
  OutboxRelay relay(*pool_, redis, metrics_);
  EXPECT_EQ(relay.RunOnce(), 9);
  monitor.PollOnce();
  EXPECT_EQ(Gauge("ct_outbox_unpublished_rows"), 0);
  EXPECT_EQ(Gauge("ct_outbox_oldest_unpublished_age_seconds"), 0);
  RedisReply length = redis.Command({"XLEN", stream_});
  EXPECT_EQ(length->integer, 9);
}

TEST_F(OutboxBacklogMonitorTest, TheCountStopsAtItsCap) {
  for (int i = 0; i < 4; ++i) {
    Commit(1);
  }
  EXPECT_EQ(ReadOutboxBacklog(*pool_, 1000).unpublished_rows, 4);
  EXPECT_EQ(ReadOutboxBacklog(*pool_, 3).unpublished_rows, 3);
}

// The polls must stay cheap on an outbox holding days of published rows: both statements read
// the waiting rows through ix_outbox_pending instead of scanning the table.
TEST_F(OutboxBacklogMonitorTest, BothStatementsUseThePendingIndex) {
  for (int i = 0; i < 50; ++i) {
    Commit(1);
  }
  RedisClient redis(testing::RedisFromEnv(), nullptr);
  OutboxRelay relay(*pool_, redis, metrics_);
  relay.RunOnce();
  Commit(1);
  pool_->WithConnection([](sql::Connection& connection) {
    std::unique_ptr<sql::Statement> statement(connection.createStatement());
    ResultSetPtr analyzed(statement->executeQuery("ANALYZE TABLE outbox"));
    while (analyzed->next()) {
    }
    for (const std::string query :
         {"SELECT id FROM outbox WHERE published_at IS NULL LIMIT 1000",
          "SELECT created_at FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT 1"}) {
      ResultSetPtr plan(statement->executeQuery("EXPLAIN " + query));
      ASSERT_TRUE(plan->next());
      EXPECT_EQ(plan->getString("key"), "ix_outbox_pending") << query;
    }
  });
}

TEST_F(OutboxBacklogMonitorTest, WhileMySqlIsDownTheLastFiguresStayAndFailuresAreCounted) {
  testing::MariaDbProcess private_mysql;
  private_mysql.Start();
  MySqlConfig config = private_mysql.Config("ct_backlog_fault");
  EnsureDatabase(config);
  MySqlPool pool(config, nullptr);
  ApplyMigrations(pool, "outbox", OutboxMigrations());
  pool.InTransaction([&](sql::Connection& connection) {
    AppendToOutbox(connection, {{NewEventId(), stream_, "test", "tenant", "payload", ""}});
  });
  OutboxBacklogMonitor monitor(pool, metrics_);
  monitor.PollOnce();
  EXPECT_EQ(Gauge("ct_outbox_unpublished_rows"), 1);

  private_mysql.Stop();
  EXPECT_THROW(monitor.PollOnce(), DomainError);
  EXPECT_EQ(metrics_.GetCounter("ct_outbox_backlog_monitor_failures_total", "").value(), 1u);
  EXPECT_EQ(Gauge("ct_outbox_unpublished_rows"), 1);
}

}  // namespace
}  // namespace clienttier
