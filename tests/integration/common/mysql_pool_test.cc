#include "common/db/mysql_pool.h"

#include <gtest/gtest.h>

#include <cppconn/statement.h>

#include <thread>

#include "common/db/migrations.h"
#include "common/db/sql_helpers.h"
#include "common/errors/domain_error.h"
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
