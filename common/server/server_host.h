#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include "common/config/config_reader.h"
#include "common/observability/metrics.h"
#include "common/observability/metrics_http_server.h"
#include "common/server/deadline_probe.h"
#include "common/server/reflection_v1.h"
#include "common/server/tls.h"

namespace clienttier {

struct ServerConfig {
  std::string grpc_address = "0.0.0.0:50051";
  std::string metrics_host = "0.0.0.0";
  int metrics_port = 9090;  // 0 picks a free port
  std::string api_keys_file;
  // Threads serving RPCs. The threading model of every service: gRPC's sync API with this
  // bounded quota, because hiredis and Connector/C++ block; the hot cached reads use the
  // callback API with an I/O worker pool instead (README: threading model).
  int max_threads = 128;
  // Callback-API handlers hand blocking work (cache misses) to this many threads, with at
  // most io_queue calls waiting (beyond: RESOURCE_EXHAUSTED).
  int io_workers = 32;
  int io_queue = 4096;
  int drain_ms = 2000;            // NOT_SERVING before shutdown, so balancers move away
  int shutdown_grace_ms = 15000;  // in-flight RPCs get this long to finish
  int health_interval_ms = 1000;
  // A health check still running after this counts as failed (NOT_SERVING), so a frozen
  // dependency shows within health_interval_ms + health_timeout_ms.
  int health_timeout_ms = 1500;
  ServerTls tls;               // plaintext unless a certificate is configured
  std::string health_address;  // a plaintext health-only listener; empty: none
};

// The grpc.health.v1 service name that reports only that the process is up (for liveness
// probes); "" and every service report the dependency checks (readiness).
inline constexpr char kLivenessService[] = "liveness";

ServerConfig ReadServerConfig(ConfigReader& reader, int default_grpc_port,
                              int default_metrics_port);

// Runs a gRPC server with health, reflection and keepalive, a /metrics endpoint, and a health
// probe loop; shuts down in order: NOT_SERVING, drain, Shutdown(deadline), then hooks.
class ServerHost {
 public:
  ServerHost(ServerConfig config, MetricsRegistry& metrics);
  ~ServerHost();

  void AddService(grpc::Service* service, const std::string& full_name);
  // A check run every health_interval_ms; its result drives grpc.health.v1 for "" and every
  // added service.
  void SetHealthProbe(std::function<bool()> probe);
  // Run after the gRPC server stopped (stop relays, flush).
  void OnShutdown(std::function<void()> hook);

  // Returns the bound gRPC port.
  int Start();
  void Shutdown();
  int metrics_port() const;
  int health_port() const { return health_port_; }

  // Blocks SIGTERM/SIGINT in this and future threads; call first thing in main.
  static void BlockTerminationSignals();
  // Waits for SIGTERM or SIGINT (after BlockTerminationSignals).
  static int WaitForTerminationSignal();

 private:
  // `last` is the status Start set.
  void HealthLoop(bool last);
  void SetServing(bool serving);
  bool Probe();

  ServerConfig config_;
  MetricsRegistry& metrics_;
  std::vector<std::pair<grpc::Service*, std::string>> services_;
  std::function<bool()> probe_;
  std::unique_ptr<DeadlineProbe> deadline_probe_;  // runs probe_; set by Start
  std::vector<std::function<void()>> shutdown_hooks_;
  std::unique_ptr<ReflectionV1Service> reflection_v1_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::Server> health_server_;
  int health_port_ = 0;
  std::unique_ptr<MetricsHttpServer> metrics_server_;
  std::thread health_thread_;
  std::mutex health_mutex_;
  std::condition_variable health_wake_;
  std::atomic<bool> stopping_{false};
  bool started_ = false;
};

}  // namespace clienttier
