#include "common/config/config_reader.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace clienttier {
namespace {

TEST(ConfigReaderTest, FlagsWinOverEnvironment) {
  ConfigReader reader({"--mysql-port=3307"}, {{"CT_MYSQL_PORT", "3308"}, {"CT_MYSQL_HOST", "db"}});
  EXPECT_EQ(reader.Int("mysql-port", 3306, 1, 65535, ""), 3307);
  EXPECT_EQ(reader.String("mysql-host", "localhost", ""), "db");
  EXPECT_NO_THROW(reader.Finish());
}

TEST(ConfigReaderTest, ReportsEveryProblemAtOnce) {
  ConfigReader reader({"--port=abc", "--unknown=1"}, {});
  reader.Int("port", 1, 1, 10, "");
  reader.RequiredString("mysql-user", "");
  try {
    reader.Finish();
    FAIL() << "expected invalid configuration";
  } catch (const std::invalid_argument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("port: 'abc' is not an integer"), std::string::npos) << message;
    EXPECT_NE(message.find("mysql-user: required"), std::string::npos) << message;
    EXPECT_NE(message.find("unknown flag --unknown"), std::string::npos) << message;
  }
}

TEST(ConfigReaderTest, ValuesRequiredToServeAreOptionalForAMigrationRun) {
  // Explicit types: `({}, {})` would pick the (argc, argv) constructor and read the process's
  // environment.
  const std::vector<std::string> no_flags;
  const std::map<std::string, std::string> no_environment;
  ConfigReader serving(no_flags, no_environment);
  serving.RequiredToServe("api-keys-file", "");
  EXPECT_THROW(serving.Finish(), std::invalid_argument);

  ConfigReader migrating(no_flags, no_environment);
  migrating.SetServing(false);
  EXPECT_EQ(migrating.RequiredToServe("api-keys-file", ""), "");
  migrating.RequiredString("mysql-user", "");
  try {
    migrating.Finish();
    FAIL() << "expected invalid configuration";
  } catch (const std::invalid_argument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("mysql-user: required"), std::string::npos) << message;
    EXPECT_EQ(message.find("api-keys-file"), std::string::npos) << message;
  }
}

TEST(ConfigReaderTest, OutOfRangeIsAProblem) {
  ConfigReader reader({"--threads=0"}, {});
  EXPECT_EQ(reader.Int("threads", 4, 1, 8, ""), 4);
  EXPECT_THROW(reader.Finish(), std::invalid_argument);
}

TEST(ConfigReaderTest, EnvNameIsUpperSnakeWithPrefix) {
  EXPECT_EQ(ConfigReader::EnvName("mysql-password-file"), "CT_MYSQL_PASSWORD_FILE");
}

}  // namespace
}  // namespace clienttier
