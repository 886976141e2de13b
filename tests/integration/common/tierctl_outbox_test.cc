// `tierctl outbox replay` (issue 19 part 1, the manual case): the real binary, run as an
// operator would against a service's schema, marks the events since a time unpublished (one
// stream or all), and a relay publishes them again.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "common/db/sql_helpers.h"
#include "common/outbox/outbox.h"
#include "common/outbox/outbox_relay.h"
#include "tests/support/test_env.h"

namespace clienttier {
namespace {

// Runs tierctl with `args`; returns its exit status and stdout.
std::pair<int, std::string> RunTierctl(const std::string& args) {
  FILE* pipe = popen((std::string(CT_TIERCTL) + " " + args + " 2>&1").c_str(), "r");
  std::string output;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
    output += buffer;
  }
  const int status = pclose(pipe);
  return {WEXITSTATUS(status), output};
}

TEST(TierctlOutboxTest, ReplayMarksOneStreamsEventsForPublicationAgain) {
  MySqlConfig config = testing::MySqlFromEnv(testing::UniqueDatabaseName("tierctl_outbox"));
  EnsureDatabase(config);
  MySqlPool pool(config, nullptr);
  ApplyMigrations(pool, "outbox", OutboxMigrations());
  const std::string stream = "ct:test:tierctl:" + testing::UniqueSuffix();
  const std::string other = stream + ":other";
  pool.InTransaction([&](sql::Connection& connection) {
    std::vector<OutboxEvent> events;
    for (int i = 0; i < 7; ++i) {
      events.push_back({NewEventId(), stream, "test", "tenant", "p", ""});
    }
    events.push_back({NewEventId(), other, "test", "tenant", "p", ""});
    AppendToOutbox(connection, events);
  });
  RedisClient redis(testing::RedisFromEnv(), nullptr);
  MetricsRegistry metrics;
  OutboxRelay relay(pool, redis, metrics);
  ASSERT_EQ(relay.RunOnce(), 8);

  const auto [status, output] =
      RunTierctl("outbox replay --service=profile --mysql-database=" + config.database +
                 " --since=2000-01-01T00:00:00Z --stream=" + stream);
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("7 events of " + stream), std::string::npos) << output;
  EXPECT_EQ(relay.RunOnce(), 7);  // published again, the other stream not
  EXPECT_EQ(redis.Command({"XLEN", stream})->integer, 14);
  EXPECT_EQ(redis.Command({"XLEN", other})->integer, 1);

  // Nothing created after --since: nothing to replay.
  const auto [later_status, later] =
      RunTierctl("outbox replay --service=profile --mysql-database=" + config.database +
                 " --since=2999-01-01T00:00:00Z");
  EXPECT_EQ(later_status, 0) << later;
  EXPECT_NE(later.find("0 events of every stream"), std::string::npos) << later;
  const auto [bad_status, bad] = RunTierctl("outbox replay --service=billing --since=x");
  EXPECT_EQ(bad_status, 2) << bad;
  redis.Command({"DEL", stream, other});
}

}  // namespace
}  // namespace clienttier
