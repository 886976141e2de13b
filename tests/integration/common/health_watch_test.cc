// grpc.health.v1 Health/Watch on a real ServerHost: a watcher hears the status when it starts and
// then only when the health probe's answer changes, not once per probe interval.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "common/config/config_reader.h"
#include "common/observability/metrics.h"
#include "common/server/server_host.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/support/test_env.h"

namespace clienttier {
namespace {

namespace hv1 = ::grpc::health::v1;

TEST(HealthWatchTest, AWatcherHearsOnlyChanges) {
  const std::string keys_file = testing::WriteApiKeysFile("");
  ConfigReader reader(
      std::vector<std::string>{"--api-keys-file=" + keys_file, "--grpc-address=127.0.0.1:0",
                               "--metrics-host=127.0.0.1", "--metrics-port=0", "--drain-ms=0"},
      {});
  ServerConfig config = ReadServerConfig(reader, 0, 0);
  reader.Finish();
  config.health_interval_ms = 50;
  MetricsRegistry metrics;
  ServerHost host(config, metrics);
  std::atomic<bool> healthy{true};
  host.SetHealthProbe([&healthy] { return healthy.load(); });
  const int port = host.Start();

  auto stub = hv1::Health::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  // 40 probe intervals in all: the unchanged ones must send nothing.
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  hv1::HealthCheckRequest request;
  auto reader_stream = stub->Watch(&context, request);
  std::thread flip([&healthy] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    healthy = false;
  });
  std::vector<hv1::HealthCheckResponse::ServingStatus> heard;
  hv1::HealthCheckResponse response;
  while (reader_stream->Read(&response)) {
    heard.push_back(response.status());
  }
  flip.join();
  EXPECT_EQ(heard, (std::vector<hv1::HealthCheckResponse::ServingStatus>{
                       hv1::HealthCheckResponse::SERVING, hv1::HealthCheckResponse::NOT_SERVING}));
  host.Shutdown();
  std::remove(keys_file.c_str());
}

}  // namespace
}  // namespace clienttier
