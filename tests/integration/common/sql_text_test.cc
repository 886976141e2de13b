#include "common/db/sql_text.h"

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/db/migrations.h"
#include "common/db/mysql_pool.h"
#include "common/db/sql_helpers.h"
#include "tests/support/test_env.h"

namespace clienttier {
namespace {

class SqlTextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::MySqlFromEnv(testing::UniqueDatabaseName("sqltext"));
    EnsureDatabase(config_);
    pool_ = std::make_unique<MySqlPool>(config_, nullptr);
    pool_->WithConnection([](sql::Connection& connection) {
      Prepare(connection,
              "CREATE TABLE items (id VARCHAR(64) NOT NULL PRIMARY KEY, label VARCHAR(200) NULL, "
              "amount BIGINT NOT NULL) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin")
          ->execute();
    });
  }

  MySqlConfig config_;
  std::unique_ptr<MySqlPool> pool_;
};

TEST_F(SqlTextTest, ValuesRoundTripWhateverTheyHold) {
  // Quotes, backslashes, NUL, control bytes, multi-byte characters and an injection attempt
  // all come back exactly as written.
  const std::vector<std::string> labels = {
      "plain",         "it's",       "back\\slash\\",    std::string("nul\0byte", 8),
      "line\nbreak\r", "ctrl-z\x1a", "Zoë 東京 🙂", "'); DROP TABLE items; --",
      "\"double\"",    "",
  };
  pool_->WithConnection([&](sql::Connection& connection) {
    SqlText insert(connection);
    insert.Sql("INSERT INTO items (id, label, amount) VALUES ");
    for (size_t i = 0; i < labels.size(); ++i) {
      insert.Row().Str("id-" + std::to_string(i)).Str(labels[i]).Int(static_cast<int64_t>(i));
    }
    EXPECT_EQ(insert.Execute(), static_cast<int>(labels.size()));

    auto rows = Query(*Prepare(connection, "SELECT id, label FROM items ORDER BY amount"));
    for (const std::string& label : labels) {
      ASSERT_TRUE(rows->next());
      EXPECT_EQ(std::string(rows->getString("label")), label);
    }
    EXPECT_FALSE(rows->next());
  });
}

TEST_F(SqlTextTest, IntegersNullsAndInLists) {
  const int64_t lowest = std::numeric_limits<int64_t>::min();
  const int64_t highest = std::numeric_limits<int64_t>::max();
  pool_->WithConnection([&](sql::Connection& connection) {
    SqlText insert(connection);
    insert.Sql("INSERT INTO items (id, label, amount) VALUES ");
    insert.Row().Str("low").Null().Int(lowest);
    insert.Row().Str("high").Str("x").Int(highest);
    insert.Row().Str("o'neil").Str("y").Int(0);
    EXPECT_EQ(insert.text(), "INSERT INTO items (id, label, amount) VALUES ('low', NULL, " +
                                 std::to_string(lowest) + "), ('high', 'x', " +
                                 std::to_string(highest) + "), ('o\\'neil', 'y', 0)");
    insert.Execute();

    SqlText select(connection);
    select.Sql("SELECT id, label, amount FROM items WHERE id IN (")
        .StrList({"low", "o'neil", "absent"})
        .Sql(") ORDER BY amount");
    auto rows = select.Query();
    ASSERT_TRUE(rows->next());
    EXPECT_EQ(std::string(rows->getString("id")), "low");
    EXPECT_TRUE(rows->isNull("label"));
    EXPECT_EQ(rows->getInt64("amount"), lowest);
    ASSERT_TRUE(rows->next());
    EXPECT_EQ(std::string(rows->getString("id")), "o'neil");
    EXPECT_FALSE(rows->next());

    SqlText update(connection);
    update.Sql("UPDATE items SET amount = amount + ")
        .Int(1)
        .Sql(" WHERE id IN (")
        .StrList({"low", "o'neil"})
        .Sql(")");
    EXPECT_EQ(update.Execute(), 2);
  });
}

TEST_F(SqlTextTest, BytesAndDoublesComeBackExactly) {
  // Every byte value (a serialized proto is not text in any character set) and doubles that
  // need all 17 digits.
  std::string every_byte;
  for (int value = 0; value < 256; ++value) {
    every_byte.push_back(static_cast<char>(value));
  }
  const std::vector<std::string> blobs = {every_byte, "", std::string("\xff\xfe'\\\0", 5)};
  const std::vector<double> numbers = {0.1 + 0.2, -1.0 / 3.0, 1e-300, 123456789.123456789};
  pool_->WithConnection([&](sql::Connection& connection) {
    Prepare(connection,
            "CREATE TABLE blobs (id INT NOT NULL PRIMARY KEY, body MEDIUMBLOB NOT NULL, "
            "number DOUBLE NOT NULL) DEFAULT CHARSET=utf8mb4")
        ->execute();
    SqlText insert(connection);
    insert.Sql("INSERT INTO blobs (id, body, number) VALUES ");
    for (size_t i = 0; i < blobs.size(); ++i) {
      insert.Row().Int(static_cast<int64_t>(i)).Bytes(blobs[i]).Double(numbers[i]);
    }
    EXPECT_EQ(insert.Execute(), static_cast<int>(blobs.size()));
    EXPECT_THROW(SqlText(connection).Double(std::numeric_limits<double>::infinity()),
                 std::invalid_argument);

    auto rows = Query(*Prepare(connection, "SELECT body, number FROM blobs ORDER BY id"));
    for (size_t i = 0; i < blobs.size(); ++i) {
      ASSERT_TRUE(rows->next());
      EXPECT_EQ(std::string(rows->getString("body")), blobs[i]);
      EXPECT_EQ(rows->getDouble("number"), numbers[i]);
    }
    EXPECT_FALSE(rows->next());
  });
}

}  // namespace
}  // namespace clienttier
