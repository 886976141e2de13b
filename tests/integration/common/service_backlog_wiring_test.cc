// Each service's app, as main.cc builds it, reports the lag of the consumer groups it runs and,
// when it has an outbox, the outbox backlog: the series the scoring HPA and the dashboards
// read (k8s/README.md "Scale on the consumer lag") exist under their real group names.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "common/config/config_reader.h"
#include "common/outbox/streams.h"
#include "services/campaign/campaign_app.h"
#include "services/referral/referral_app.h"
#include "services/scoring/scoring_app.h"
#include "tests/support/metric_value.h"
#include "tests/support/test_env.h"

namespace clienttier {
namespace {

class ServiceBacklogWiringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    keys_file_ = testing::WriteApiKeysFile("");
    ConfigReader reader(
        std::vector<std::string>{"--api-keys-file=" + keys_file_, "--grpc-address=127.0.0.1:0",
                                 "--metrics-host=127.0.0.1", "--metrics-port=0"},
        {});
    server_ = ReadServerConfig(reader, 0, 0);
    reader.Finish();
  }
  void TearDown() override { std::remove(keys_file_.c_str()); }

  static bool HasSeries(MetricsRegistry& metrics, const std::string& series) {
    return !std::isnan(testing::MetricValue(metrics.Render(), series));
  }
  static std::string Group(const std::string& name, const std::string& group,
                           const std::string& stream) {
    return name + "{group=\"" + group + "\",stream=\"" + stream + "\"}";
  }

  std::string keys_file_;
  ServerConfig server_;
};

TEST_F(ServiceBacklogWiringTest, ScoringReportsItsProfileGroupAndItsOutbox) {
  scoring::ScoringAppConfig config;
  config.server = server_;
  config.mysql = testing::MySqlFromEnv(testing::UniqueDatabaseName("wiring"));
  config.redis = testing::RedisFromEnv();
  scoring::ScoringApp app(config);
  for (const char* gauge :
       {"ct_stream_group_lag", "ct_stream_group_pending",
        "ct_stream_group_oldest_pending_age_seconds", "ct_stream_group_applied_per_second"}) {
    EXPECT_TRUE(HasSeries(app.metrics(), Group(gauge, "scoring", kProfileEventStream))) << gauge;
  }
  EXPECT_TRUE(HasSeries(app.metrics(), "ct_outbox_unpublished_rows"));
  EXPECT_TRUE(HasSeries(app.metrics(), "ct_outbox_oldest_unpublished_age_seconds"));
}

TEST_F(ServiceBacklogWiringTest, ReferralReportsItsProfileGroupAndItsOutbox) {
  referral::ReferralAppConfig config;
  config.server = server_;
  config.mysql = testing::MySqlFromEnv(testing::UniqueDatabaseName("wiring"));
  config.redis = testing::RedisFromEnv();
  referral::ReferralApp app(config);
  EXPECT_TRUE(
      HasSeries(app.metrics(), Group("ct_stream_group_lag", "referral", kProfileEventStream)));
  EXPECT_TRUE(HasSeries(app.metrics(), "ct_outbox_unpublished_rows"));
}

TEST_F(ServiceBacklogWiringTest, CampaignReportsBothItsGroupsAndHasNoOutbox) {
  campaign::CampaignAppConfig config;
  config.server = server_;
  config.mysql = testing::MySqlFromEnv(testing::UniqueDatabaseName("wiring"));
  config.redis = testing::RedisFromEnv();
  campaign::CampaignApp app(config);
  EXPECT_TRUE(
      HasSeries(app.metrics(), Group("ct_stream_group_lag", "campaign", kProfileEventStream)));
  EXPECT_TRUE(
      HasSeries(app.metrics(), Group("ct_stream_group_lag", "campaign", kScoringEventStream)));
  EXPECT_FALSE(HasSeries(app.metrics(), "ct_outbox_unpublished_rows"));
}

}  // namespace
}  // namespace clienttier
