#include "common/observability/metrics.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "common/observability/build_info.h"

namespace clienttier {
namespace {

TEST(MetricsTest, RendersCountersWithLabels) {
  MetricsRegistry registry;
  registry.GetCounter("ct_rpc_total", "help", {{"method", "Get"}, {"code", "OK"}}).Increment(3);
  registry.GetCounter("ct_rpc_total", "help", {{"method", "Get"}, {"code", "OK"}}).Increment();
  const std::string text = registry.Render();
  EXPECT_NE(text.find("# TYPE ct_rpc_total counter"), std::string::npos);
  EXPECT_NE(text.find("ct_rpc_total{code=\"OK\",method=\"Get\"} 4"), std::string::npos) << text;
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  MetricsRegistry registry;
  auto& histogram = registry.GetHistogram("lat", "help", {1, 10});
  histogram.Observe(0.5);
  histogram.Observe(1);  // on the bound: counts in le="1"
  histogram.Observe(5);
  histogram.Observe(50);
  const std::string text = registry.Render();
  EXPECT_NE(text.find("lat_bucket{le=\"1\"} 2"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_bucket{le=\"10\"} 3"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_bucket{le=\"+Inf\"} 4"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_sum 56.5"), std::string::npos) << text;
}

TEST(MetricsTest, GaugesAreReadAtScrapeTime) {
  MetricsRegistry registry;
  int value = 1;
  registry.AddGauge("pool", "help", {}, [&] { return static_cast<double>(value); });
  value = 7;
  EXPECT_NE(registry.Render().find("pool 7"), std::string::npos);
}

TEST(MetricsTest, ATypeClashIsABug) {
  MetricsRegistry registry;
  registry.GetCounter("x", "help");
  EXPECT_THROW(registry.GetHistogram("x", "help", {1}), std::logic_error);
}

TEST(MetricsTest, BuildInfoNamesTheVersionAndCommit) {
  EXPECT_TRUE(std::regex_match(std::string(BuildVersion()), std::regex(R"(\d+\.\d+\.\d+)")))
      << BuildVersion();
  EXPECT_TRUE(std::regex_match(std::string(BuildCommit()), std::regex("[0-9a-f]{7,40}|unknown")))
      << BuildCommit();
  MetricsRegistry registry;
  RegisterBuildInfo(registry, "scoring");
  const std::string expected = std::string("ct_build_info{commit=\"") + BuildCommit() +
                               "\",service=\"scoring\",version=\"" + BuildVersion() + "\"} 1";
  EXPECT_NE(registry.Render().find(expected), std::string::npos) << registry.Render();
}

}  // namespace
}  // namespace clienttier
