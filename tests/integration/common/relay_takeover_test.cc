// Relay takeover after a real crash: a relay in a child process holds the leader lock and has
// published a pass to Redis without marking it when it is killed with SIGKILL. MariaDB frees
// the lock with the dead process' connection; a successor in this process takes over and
// publishes nothing twice.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <set>
#include <string>
#include <thread>

#include "common/db/sql_helpers.h"
#include "common/outbox/outbox.h"
#include "common/outbox/outbox_relay.h"
#include "tests/support/relay_crash_child_process.h"
#include "tests/support/test_env.h"

namespace clienttier {
namespace {

using testing::ReadLine;

TEST(RelayTakeoverTest, ASuccessorTakesOverFromAKilledLeaderWithoutDuplicates) {
  MySqlConfig config = testing::MySqlFromEnv(testing::UniqueDatabaseName("takeover"));
  EnsureDatabase(config);
  MySqlPool pool(config, nullptr);
  ApplyMigrations(pool, "outbox", OutboxMigrations());
  const std::string stream = "ct:test:takeover:" + testing::UniqueSuffix();
  constexpr int kEvents = 50;
  pool.InTransaction([&](sql::Connection& connection) {
    std::vector<OutboxEvent> events;
    for (int i = 0; i < kEvents; ++i) {
      events.push_back({NewEventId(), stream, "test", "tenant", "p-" + std::to_string(i), ""});
    }
    AppendToOutbox(connection, events);
  });

  int child_stdout = -1;
  const pid_t child = testing::SpawnRelayCrashChild(config.database, 1000, &child_stdout);
  ASSERT_EQ(ReadLine(child_stdout), "published");  // XADDed, not marked, lock held

  RedisClient redis(testing::RedisFromEnv(), nullptr);
  MetricsRegistry metrics;
  OutboxRelay successor(pool, redis, metrics);
  EXPECT_EQ(successor.RunOnce(), 0);  // the live leader still holds the lock
  EXPECT_FALSE(successor.is_leader());

  ASSERT_EQ(kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  close(child_stdout);

  // MariaDB notices the closed connection and frees the lock; bounded wait for the takeover.
  const auto killed = std::chrono::steady_clock::now();
  int recovered = 0;
  while (!successor.is_leader() &&
         std::chrono::steady_clock::now() - killed < std::chrono::seconds(10)) {
    recovered += successor.RunOnce();
    if (!successor.is_leader()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ASSERT_TRUE(successor.is_leader()) << "no takeover within 10 s of the kill";
  recovered += successor.RunOnce();
  EXPECT_EQ(recovered, kEvents);  // found at the stream's tail and marked, not sent again
  EXPECT_EQ(metrics.GetCounter("ct_outbox_recovered_total", "").value(),
            static_cast<uint64_t>(kEvents));
  EXPECT_EQ(metrics.GetCounter("ct_outbox_published_total", "").value(), 0u);

  RedisReply entries = redis.Command({"XRANGE", stream, "-", "+"});
  std::set<std::string> event_ids;
  for (size_t i = 0; i < entries->elements; ++i) {
    const redisReply* fields = entries->element[i]->element[1];
    for (size_t f = 0; f + 1 < fields->elements; f += 2) {
      if (std::string(fields->element[f]->str) == "event_id") {
        event_ids.insert(fields->element[f + 1]->str);
      }
    }
  }
  EXPECT_EQ(entries->elements, static_cast<size_t>(kEvents));  // nothing published twice
  EXPECT_EQ(event_ids.size(), static_cast<size_t>(kEvents));
  int64_t unpublished = -1;
  pool.InTransaction([&](sql::Connection& connection) {
    auto select = Prepare(connection, "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL");
    auto rows = Query(*select);
    rows->next();
    unpublished = rows->getInt64(1);
  });
  EXPECT_EQ(unpublished, 0);
  redis.Command({"DEL", stream});
}

}  // namespace
}  // namespace clienttier
