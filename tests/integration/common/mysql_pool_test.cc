#include "common/db/mysql_pool.h"

#include <gtest/gtest.h>

#include <cppconn/statement.h>

#include <chrono>
#include <future>
#include <thread>

#include "common/db/migrations.h"
#include "common/db/sql_helpers.h"
#include "common/errors/domain_error.h"
#include "common/observability/metrics.h"
#include "common/redis/event_stream_worker.h"
#include "tests/support/test_env.h"

namespace clienttier {
namespace {

const std::vector<Migration> kMigrations = {
    {1, "001_things", "CREATE TABLE IF NOT EXISTS things (id INT PRIMARY KEY, name VARCHAR(16));"},
    {2, "002_seed", "INSERT INTO things VALUES (1, 'one');\nINSERT INTO things VALUES (2, 'two');"},
};

int64_t CountThings(MySqlPool& pool) {
  int64_t count = 0;
  pool.WithConnection([&](sql::Connection& connection) {
    auto select = Prepare(connection, "SELECT COUNT(*) FROM things");
    auto rows = Query(*select);
    rows->next();
    count = rows->getInt64(1);
  });
  return count;
}

TEST(MySqlPoolTest, MigrationsAreSafeTwiceAndFromTwoReplicasAtOnce) {
  const MySqlConfig config = testing::MySqlFromEnv(testing::UniqueDatabaseName("pool"));
  EnsureDatabase(config);
  std::vector<std::thread> replicas;
  for (int i = 0; i < 2; ++i) {
    replicas.emplace_back([&] {
      MySqlPool pool(config, nullptr);
      ApplyMigrations(pool, "test", kMigrations);
    });
  }
  for (auto& replica : replicas) {
    replica.join();
  }
  MySqlPool pool(config, nullptr);
  ApplyMigrations(pool, "test", kMigrations);  // and once more
  EXPECT_EQ(CountThings(pool), 2);             // the seed ran exactly once

  auto edited = kMigrations;
  edited[1].sql += "\n-- edited after the fact";
  try {
    ApplyMigrations(pool, "test", edited);
    FAIL() << "an edited migration must be refused";
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kFailedPrecondition);
  }
}

TEST(MySqlPoolTest, TransactionsRollBackAndDuplicatesBecomeAlreadyExists) {
  const MySqlConfig config = testing::MySqlFromEnv(testing::UniqueDatabaseName("pool"));
  EnsureDatabase(config);
  MySqlPool pool(config, nullptr);
  ApplyMigrations(pool, "test", kMigrations);
  try {
    pool.InTransaction([](sql::Connection& connection) {
      auto insert = Prepare(connection, "INSERT INTO things VALUES (?, ?)");
      insert->setInt(1, 3);
      insert->setString(2, "three");
      insert->execute();
      insert->setInt(1, 1);  // duplicate key: the whole transaction must roll back
      insert->execute();
    });
    FAIL() << "expected AlreadyExists";
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kAlreadyExists);
  }
  EXPECT_EQ(CountThings(pool), 2);
}

void Update(sql::Connection& connection, const std::string& sql) {
  std::unique_ptr<sql::Statement> statement(connection.createStatement());
  statement->executeUpdate(sql);
}

// A real InnoDB deadlock on every attempt. InTransaction retries it; past its attempts it is a
// conflict (ABORTED for a caller; for a stream consumer a retry of the read that counts against
// no event, IsOutage), not an INTERNAL error that dead-letters the events of the read.
TEST(MySqlPoolTest, ADeadlockOnEveryAttemptIsAConflictNotAnInternalError) {
  const MySqlConfig config = testing::MySqlFromEnv(testing::UniqueDatabaseName("pool"));
  EnsureDatabase(config);
  MetricsRegistry metrics;
  MySqlPool pool(config, &metrics);
  MySqlPool other_pool(config, nullptr);
  ApplyMigrations(pool, "test", kMigrations);
  pool.WithConnection([](sql::Connection& connection) {
    std::string rows = "INSERT INTO things VALUES (10, 'r')";
    for (int id = 11; id < 110; ++id) {
      rows += ", (" + std::to_string(id) + ", 'r')";
    }
    Update(connection, rows);
  });

  int attempts = 0;
  try {
    pool.InTransaction([&](sql::Connection& connection) {
      ++attempts;
      Update(connection, "UPDATE things SET name = 'mine' WHERE id = 1");
      // The other transaction changes row 2 and a hundred more (so InnoDB rolls back this
      // lighter one: each attempt writes new values, as unchanged rows would weigh nothing),
      // then waits for row 1 while this one waits for row 2. It does not retry.
      std::promise<void> holds_row_2;
      std::thread other([&, name = "theirs-" + std::to_string(attempts)] {
        try {
          other_pool.WithConnection([&](sql::Connection& theirs) {
            theirs.setAutoCommit(false);
            Update(theirs, "UPDATE things SET name = '" + name + "' WHERE id >= 2");
            holds_row_2.set_value();
            Update(theirs, "UPDATE things SET name = '" + name + "' WHERE id = 1");
            theirs.commit();
            theirs.setAutoCommit(true);
          });
        } catch (const std::exception& error) {
          ADD_FAILURE() << "the heavier transaction was rolled back: " << error.what();
        }
      });
      holds_row_2.get_future().wait();
      try {
        Update(connection, "UPDATE things SET name = 'mine' WHERE id = 2");
      } catch (...) {
        other.join();
        throw;
      }
      other.join();
    });
    FAIL() << "expected a conflict";
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kConflict) << error.what();
    EXPECT_TRUE(IsOutage(error));
  }
  EXPECT_EQ(attempts, 3);
  // What an SRE sees of it: two rolled-back attempts run again (the third gave up).
  EXPECT_EQ(metrics.GetCounter("ct_mysql_transaction_retries_total", "").value(), 2u);
  pool.WithConnection([](sql::Connection& connection) {
    auto select = Prepare(connection, "SELECT name FROM things WHERE id = 1");
    auto rows = Query(*select);
    ASSERT_TRUE(rows->next());
    EXPECT_EQ(rows->getString(1), "theirs-3");  // the winner committed; this one wrote nothing
  });
}

// Another transaction holds a row past this pool's read timeout. The wait ends on the server as
// a lock wait timeout (half the read timeout), which InTransaction retries and then reports as
// a conflict; with InnoDB's default 50 s wait the client gave up on the reply first and the
// same wait was a lost connection (UNAVAILABLE, an outage for a stream consumer).
TEST(MySqlPoolTest, ALockWaitLongerThanTheReadTimeoutIsAConflictNotALostConnection) {
  MySqlConfig config = testing::MySqlFromEnv(testing::UniqueDatabaseName("pool"));
  EnsureDatabase(config);
  config.read_timeout_s = 2;
  MetricsRegistry metrics;
  MySqlPool pool(config, &metrics);
  MySqlPool holder_pool(testing::MySqlFromEnv(config.database), nullptr);
  ApplyMigrations(pool, "test", kMigrations);

  holder_pool.WithConnection([&](sql::Connection& holder) {
    holder.setAutoCommit(false);
    Update(holder, "UPDATE things SET name = 'held' WHERE id = 1");
    int attempts = 0;
    const auto started = std::chrono::steady_clock::now();
    try {
      pool.InTransaction([&](sql::Connection& connection) {
        ++attempts;
        Update(connection, "UPDATE things SET name = 'mine' WHERE id = 1");
      });
      ADD_FAILURE() << "expected a conflict";
    } catch (const DomainError& error) {
      EXPECT_EQ(error.kind(), ErrorKind::kConflict) << error.what();
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    holder.rollback();
    holder.setAutoCommit(true);
    EXPECT_EQ(attempts, 3);
    EXPECT_EQ(metrics.GetCounter("ct_mysql_transaction_retries_total", "").value(), 2u);
    // Three waits of 1 s each (half the 2 s read timeout), not one of InnoDB's 50 s.
    EXPECT_LT(seconds, 10.0);
  });
  // The pool's connections survived the waits: the row is writable at once.
  pool.InTransaction([](sql::Connection& connection) {
    Update(connection, "UPDATE things SET name = 'mine' WHERE id = 1");
  });
  EXPECT_EQ(pool.Ping(), true);
}

TEST(MySqlPoolTest, AnUnreachableServerIsUnavailableNotAHang) {
  MySqlConfig config = testing::MySqlFromEnv("");
  config.port = testing::FreeLoopbackPort();
  config.connect_timeout_s = 1;
  MySqlPool pool(config, nullptr);
  try {
    pool.WithConnection([](sql::Connection&) {});
    FAIL() << "expected Unavailable";
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kUnavailable);
  }
  EXPECT_FALSE(pool.Ping());
}

}  // namespace
}  // namespace clienttier
