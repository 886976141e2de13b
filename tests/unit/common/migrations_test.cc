#include "common/db/migrations.h"

#include <gtest/gtest.h>

namespace clienttier {
namespace {

TEST(MigrationsTest, SplitsOnSemicolonAtLineEndAndDropsComments) {
  const auto statements = SplitSqlStatements(
      "-- a comment; not a statement\n"
      "CREATE TABLE a (\n  x INT -- inline; stays\n);\n\n"
      "INSERT INTO a VALUES (1);\n");
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0], "CREATE TABLE a (\n  x INT -- inline; stays\n)");
  EXPECT_EQ(statements[1], "INSERT INTO a VALUES (1)");
}

TEST(MigrationsTest, ChecksumIsStableAndSensitive) {
  EXPECT_EQ(MigrationChecksum("CREATE TABLE a (x INT);"),
            MigrationChecksum("CREATE TABLE a (x INT);"));
  EXPECT_NE(MigrationChecksum("CREATE TABLE a (x INT);"),
            MigrationChecksum("CREATE TABLE a (y INT);"));
  EXPECT_EQ(MigrationChecksum("").size(), 16u);
}

}  // namespace
}  // namespace clienttier
