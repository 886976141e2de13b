#include "common/db/processed_events.h"

#include <gtest/gtest.h>

#include "common/db/mysql_pool.h"
#include "common/db/sql_helpers.h"
#include "common/outbox/outbox.h"
#include "tests/support/test_env.h"

namespace clienttier {
namespace {

using Ids = std::vector<std::pair<std::string, std::string>>;

class ProcessedEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::MySqlFromEnv(testing::UniqueDatabaseName("processed"));
    EnsureDatabase(config_);
    pool_ = std::make_unique<MySqlPool>(config_, nullptr);
    pool_->WithConnection([](sql::Connection& connection) {
      Prepare(connection,
              "CREATE TABLE processed_events (event_id VARCHAR(100) NOT NULL, "
              "tenant_id VARCHAR(64) NOT NULL, processed_at DATETIME(6) NOT NULL, "
              "PRIMARY KEY (event_id))")
          ->execute();
      Prepare(connection, "CREATE TABLE effects (id INT NOT NULL PRIMARY KEY)")->execute();
    });
  }

  // Marks the batch in a transaction that first writes an effect of its own.
  std::vector<bool> Mark(const Ids& ids, int effect_id) {
    std::vector<bool> fresh;
    pool_->InTransaction([&](sql::Connection& connection) {
      auto effect = Prepare(connection, "INSERT INTO effects (id) VALUES (?)");
      effect->setInt(1, effect_id);
      effect->executeUpdate();
      fresh = MarkEventsProcessed(connection, ids, 1'000'000);
    });
    return fresh;
  }

  int64_t Count(const std::string& sql) {
    int64_t count = 0;
    pool_->WithConnection([&](sql::Connection& connection) {
      auto rows = Query(*Prepare(connection, sql));
      rows->next();
      count = rows->getInt64(1);
    });
    return count;
  }

  MySqlConfig config_;
  std::unique_ptr<MySqlPool> pool_;
};

TEST_F(ProcessedEventsTest, NewIdsAreFreshAndRecordedOnce) {
  const std::string a = NewEventId(), b = NewEventId(), c = NewEventId();
  EXPECT_EQ(Mark({{a, "t"}, {b, "t"}}, 1), (std::vector<bool>{true, true}));
  // One seen before among new ones: only it is stale, and the transaction's own work stays.
  EXPECT_EQ(Mark({{c, "t"}, {a, "t"}}, 2), (std::vector<bool>{true, false}));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM processed_events"), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM effects"), 2);
  // A redelivered batch changes nothing.
  EXPECT_EQ(Mark({{a, "t"}, {b, "t"}, {c, "t"}}, 3), (std::vector<bool>{false, false, false}));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM processed_events"), 3);
}

TEST_F(ProcessedEventsTest, RepeatsWithinABatchAndLongIdsAreHandled) {
  const std::string a = NewEventId();
  EXPECT_EQ(Mark({{a, "t"}, {a, "t"}}, 1), (std::vector<bool>{true, false}));
  // Ids longer than a UUID (the invitation keys) take the look-up path, untruncated.
  const std::string long_id = "inv:tenant:" + std::string(60, 'k');
  EXPECT_EQ(Mark({{long_id, "t"}}, 2), (std::vector<bool>{true}));
  EXPECT_EQ(Mark({{long_id, "t"}}, 3), (std::vector<bool>{false}));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM processed_events WHERE LENGTH(event_id) = 71"), 1);
}

}  // namespace
}  // namespace clienttier
