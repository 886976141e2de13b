// The services' credentials for the shared datastores, against the real stack: scripts/stack.sh
// gives Redis an ACL user beside the open default one and MariaDB a certificate from a
// throwaway CA for 127.0.0.1 (CT_STACK_* in stack.env).
#include <gtest/gtest.h>

#include <cppconn/statement.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "common/config/config_reader.h"
#include "common/db/mysql_pool.h"
#include "common/db/sql_helpers.h"
#include "common/errors/domain_error.h"
#include "common/redis/redis_client.h"
#include "tests/support/test_env.h"

namespace clienttier {
namespace {

std::string StackSetting(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    throw std::runtime_error(std::string(name) +
                             " is not set: start the stack with scripts/stack.sh");
  }
  return value;
}

std::string TempDirectory() {
  std::string pattern = ::testing::TempDir() + "ct-auth-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed in " + ::testing::TempDir());
  }
  return pattern;
}

// Redis' answer to ACL WHOAMI on one of the client's connections.
std::string WhoAmI(RedisClient& redis) {
  RedisReply reply = redis.Command({"ACL", "WHOAMI"});
  return ReplyString(reply.get());
}

TEST(RedisAuthTest, TheClientAuthenticatesAsItsAclUserWithThePasswordFromAFile) {
  const std::string directory = TempDirectory();
  const std::string password_file = directory + "/redis-password";
  std::ofstream(password_file) << StackSetting("CT_STACK_REDIS_ACL_PASSWORD") << "\n";
  const RedisConfig stack = testing::RedisFromEnv();
  ConfigReader reader({}, {{"CT_REDIS_HOST", stack.host},
                           {"CT_REDIS_PORT", std::to_string(stack.port)},
                           {"CT_REDIS_USER", StackSetting("CT_STACK_REDIS_ACL_USER")},
                           {"CT_REDIS_PASSWORD_FILE", password_file}});
  const RedisConfig config = ReadRedisConfig(reader);
  reader.Finish();

  RedisClient redis(config, nullptr);
  EXPECT_EQ(WhoAmI(redis), StackSetting("CT_STACK_REDIS_ACL_USER"));
  // Without credentials the same server answers as its default user: the AUTH made the
  // difference.
  RedisClient anonymous(stack, nullptr);
  EXPECT_EQ(WhoAmI(anonymous), "default");
}

TEST(RedisAuthTest, AWrongPasswordIsUnavailableAndNeverReachesACommand) {
  RedisConfig config = testing::RedisFromEnv();
  config.user = StackSetting("CT_STACK_REDIS_ACL_USER");
  config.password = "not-the-password";
  RedisClient redis(config, nullptr);
  try {
    redis.Command({"SET", "ct-auth-test:" + testing::UniqueSuffix(), "x"});
    FAIL() << "a refused AUTH must not leave a usable connection";
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kUnavailable);
  }
  EXPECT_FALSE(redis.Ping());
}

std::string SessionTlsVersion(MySqlPool& pool) {
  std::string version;
  pool.WithConnection([&](sql::Connection& connection) {
    auto select = Prepare(connection, "SHOW SESSION STATUS LIKE 'Ssl_version'");
    auto rows = Query(*select);
    if (rows->next()) {
      version = rows->getString(2);
    }
  });
  return version;
}

MySqlConfig StackMySql() {
  MySqlConfig config = testing::MySqlFromEnv("");
  config.connect_timeout_s = 2;
  return config;
}

TEST(MySqlTlsTest, WithTheStacksCaEveryConnectionIsEncryptedAndVerified) {
  MySqlConfig config = StackMySql();
  MySqlPool plain(config, nullptr);
  EXPECT_EQ(SessionTlsVersion(plain), "") << "no CA: a plain connection, as before";

  config.tls_ca_file = StackSetting("CT_STACK_MYSQL_TLS_CA");
  MySqlPool verified(config, nullptr);
  EXPECT_NE(SessionTlsVersion(verified).find("TLS"), std::string::npos);
}

TEST(MySqlTlsTest, ACertificateFromAnotherCaIsRefused) {
  const std::string directory = TempDirectory();
  const std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj '/CN=other' "
      "-keyout '" +
      directory + "/key.pem' -out '" + directory + "/ca.pem' >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  MySqlConfig config = StackMySql();
  config.tls_ca_file = directory + "/ca.pem";
  MySqlPool pool(config, nullptr);
  try {
    SessionTlsVersion(pool);
    FAIL() << "a server certificate outside the configured CA must be refused";
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kUnavailable);
  }
}

}  // namespace
}  // namespace clienttier
