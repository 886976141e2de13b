// The wiring every service shares: a ServiceApp started with its background parts and relay
// runs the lag and backlog monitors, and /metrics (over HTTP, as Prometheus scrapes it) shows a
// watched consumer group's lag and the outbox backlog draining to 0.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <cppconn/statement.h>
#include <httplib.h>

#include "common/config/config_reader.h"
#include "common/db/sql_helpers.h"
#include "common/outbox/outbox.h"
#include "common/server/service_app.h"
#include "tests/support/metric_value.h"
#include "tests/support/test_env.h"

namespace clienttier {
namespace {

class ServiceAppBacklogMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    keys_file_ = testing::WriteApiKeysFile("");
    ConfigReader reader(
        std::vector<std::string>{"--api-keys-file=" + keys_file_, "--grpc-address=127.0.0.1:0",
                                 "--metrics-host=127.0.0.1", "--metrics-port=0", "--drain-ms=0"},
        {});
    server_ = ReadServerConfig(reader, 0, 0);
    reader.Finish();
    mysql_ = testing::MySqlFromEnv(testing::UniqueDatabaseName("appbacklog"));
    ServiceApp::Migrate(mysql_, "appbacklog", {}, /*with_outbox=*/true);
    stream_ = "ct:test:appbacklog:" + testing::UniqueSuffix();
  }
  void TearDown() override { std::remove(keys_file_.c_str()); }

  ServiceAppSpec Spec() const {
    ServiceAppSpec spec;
    spec.name = "appbacklog";
    spec.grpc_service = "clienttier.test.v1.Nothing";
    return spec;
  }

  // Scrapes /metrics until `series` satisfies `wanted` (the monitors poll every 5 s), or
  // gives up after 30 s; returns the last value seen.
  template <typename Wanted>
  static double WaitForMetricThat(int port, const std::string& series, Wanted wanted) {
    httplib::Client client("127.0.0.1", port);
    double seen = std::nan("");
    for (int attempt = 0; attempt < 300; ++attempt) {
      auto response = client.Get("/metrics");
      if (response && response->status == 200) {
        seen = testing::MetricValue(response->body, series);
        if (wanted(seen)) {
          return seen;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return seen;
  }
  static double WaitForMetric(int port, const std::string& series, double expected) {
    return WaitForMetricThat(port, series, [expected](double seen) { return seen == expected; });
  }

  std::string keys_file_;
  ServerConfig server_;
  MySqlConfig mysql_;
  std::string stream_;
};

TEST_F(ServiceAppBacklogMetricsTest, MetricsShowAWatchedGroupsLagAndTheOutboxDraining) {
  RedisClient redis(testing::RedisFromEnv(), nullptr);
  RedisReply created = redis.Command({"XGROUP", "CREATE", stream_, "app-group", "$", "MKSTREAM"});
  ASSERT_FALSE(IsError(created.get())) << ReplyString(created.get());
  for (int i = 0; i < 6; ++i) {
    redis.Command({"XADD", stream_, "*", "payload", "x"});
  }
  // Four rows in the outbox, and the relay's leadership held here as by another replica, so
  // the app's relay cannot publish them until this test lets go.
  MySqlPool writer(mysql_, nullptr);
  for (int i = 0; i < 4; ++i) {
    writer.InTransaction([&](sql::Connection& connection) {
      AppendToOutbox(connection, {{NewEventId(), stream_ + ":out", "test", "tenant", "p", ""}});
    });
  }
  std::optional<MySqlPool::Lease> other_leader(writer.Acquire());
  {
    std::unique_ptr<sql::Statement> lock((*other_leader)->createStatement());
    ResultSetPtr taken(
        lock->executeQuery("SELECT GET_LOCK(CONCAT('ct_outbox_relay_', DATABASE()), 0)"));
    ASSERT_TRUE(taken->next());
    ASSERT_EQ(taken->getInt(1), 1);
  }

  ServiceApp app(server_, mysql_, testing::RedisFromEnv(), OutboxRelayOptions{}, Spec());
  app.MonitorConsumerGroup(stream_, "app-group", "ct_appbacklog_events");
  app.Start(/*run_background=*/true, /*run_relay=*/true);
  const int port = app.metrics_port();

  const std::string labels = "{group=\"app-group\",stream=\"" + stream_ + "\"}";
  EXPECT_EQ(WaitForMetric(port, "ct_stream_group_lag" + labels, 6), 6);
  EXPECT_EQ(WaitForMetric(port, "ct_stream_group_pending" + labels, 0), 0);
  EXPECT_EQ(WaitForMetric(port, "ct_stream_group_applied_per_second" + labels, 0), 0);
  EXPECT_EQ(WaitForMetric(port, "ct_outbox_unpublished_rows", 4), 4);
  EXPECT_GT(WaitForMetricThat(port, "ct_outbox_oldest_unpublished_age_seconds",
                              [](double seen) { return seen > 0; }),
            0);

  // The other leader goes away: the app's relay takes over, publishes the four rows, and the
  // backlog gauges follow to 0.
  other_leader->Discard();
  other_leader.reset();
  EXPECT_EQ(WaitForMetric(port, "ct_outbox_unpublished_rows", 0), 0);
  EXPECT_EQ(WaitForMetric(port, "ct_outbox_oldest_unpublished_age_seconds", 0), 0);
  RedisReply published = redis.Command({"XLEN", stream_ + ":out"});
  EXPECT_EQ(published->integer, 4);
  app.Stop();
}

}  // namespace
}  // namespace clienttier
