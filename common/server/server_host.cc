#include "common/server/server_host.h"

#include <csignal>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>

#include "common/observability/logger.h"
#include "common/server/request_parse_errors.h"
#include "common/server/tls.h"

namespace clienttier {

ServerConfig ReadServerConfig(ConfigReader& reader, int default_grpc_port,
                              int default_metrics_port) {
  ServerConfig config;
  config.grpc_address =
      reader.String("grpc-address", "0.0.0.0:" + std::to_string(default_grpc_port),
                    "host:port the gRPC server listens on");
  config.metrics_host = reader.String("metrics-host", config.metrics_host, "metrics HTTP host");
  config.metrics_port = static_cast<int>(reader.Int("metrics-port", default_metrics_port, 0, 65535,
                                                    "Prometheus /metrics port (0: any free)"));
  config.api_keys_file = reader.RequiredToServe(
      "api-keys-file", "file of '<sha256-hex> <tenant> <role>' lines (mounted secret)");
  config.max_threads = static_cast<int>(
      reader.Int("max-threads", config.max_threads, 2, 1024, "threads serving RPCs"));
  config.io_workers = static_cast<int>(reader.Int("io-workers", config.io_workers, 1, 1024,
                                                  "threads for callback handlers' blocking work"));
  config.io_queue = static_cast<int>(
      reader.Int("io-queue", config.io_queue, 1, 1000000, "calls waiting for an I/O worker"));
  config.drain_ms = static_cast<int>(
      reader.Int("drain-ms", config.drain_ms, 0, 60000, "NOT_SERVING time before shutdown"));
  config.shutdown_grace_ms = static_cast<int>(reader.Int(
      "shutdown-grace-ms", config.shutdown_grace_ms, 0, 120000, "time for in-flight RPCs"));
  config.tls = ReadServerTls(reader);
  config.health_address = reader.String(
      "health-address", "",
      "host:port of a plaintext listener serving only grpc.health.v1 (for kubelet probes when "
      "the gRPC port needs mutual TLS); empty: none");
  return config;
}

ServerHost::ServerHost(ServerConfig config, MetricsRegistry& metrics)
    : config_(std::move(config)), metrics_(metrics) {}

ServerHost::~ServerHost() { Shutdown(); }

void ServerHost::AddService(grpc::Service* service, const std::string& full_name) {
  services_.emplace_back(service, full_name);
}

void ServerHost::SetHealthProbe(std::function<bool()> probe) { probe_ = std::move(probe); }

void ServerHost::OnShutdown(std::function<void()> hook) {
  shutdown_hooks_.push_back(std::move(hook));
}

int ServerHost::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config_.grpc_address, MakeServerCredentials(config_.tls), &port);
  grpc::ResourceQuota quota("clienttier");
  quota.SetMaxThreads(config_.max_threads);
  builder.SetResourceQuota(quota);
  builder.SetMaxReceiveMessageSize(16 * 1024 * 1024);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  std::vector<std::string> names = StandardServiceNames();
  for (auto& [service, name] : services_) {
    builder.RegisterService(service);
    names.push_back(name);
  }
  reflection_v1_ = std::make_unique<ReflectionV1Service>(std::move(names));
  builder.RegisterService(reflection_v1_.get());
  // A request protobuf cannot parse (invalid UTF-8 in a string field) answers INVALID_ARGUMENT
  // naming the field instead of gRPC's own empty INTERNAL.
  CaptureInvalidUtf8Fields();
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<ParseFailureInterceptorFactory>());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port == 0) {
    throw std::runtime_error("cannot listen on " + config_.grpc_address);
  }
  if (!config_.health_address.empty()) {
    // Its own server, so the plaintext port offers nothing but the health service.
    grpc::ServerBuilder health_builder;
    health_builder.AddListeningPort(config_.health_address, grpc::InsecureServerCredentials(),
                                    &health_port_);
    health_server_ = health_builder.BuildAndStart();
    if (health_server_ == nullptr || health_port_ == 0) {
      throw std::runtime_error("cannot listen on " + config_.health_address);
    }
  }
  metrics_server_ =
      std::make_unique<MetricsHttpServer>(metrics_, config_.metrics_host, config_.metrics_port);
  if (probe_) {
    deadline_probe_ = std::make_unique<DeadlineProbe>(
        probe_, std::chrono::milliseconds(config_.health_timeout_ms));
  }
  const bool serving = Probe();
  if (!serving) {
    LogWarning("dependency check failed: NOT_SERVING");
  }
  SetServing(serving);
  health_thread_ = std::thread([this, serving] { HealthLoop(serving); });
  started_ = true;
  LogInfo("server started",
          {{"grpc_port", port},
           {"metrics_port", metrics_server_->port()},
           {"tls", config_.tls.enabled()},
           {"mutual_tls", config_.tls.enabled() && !config_.tls.client_ca_pem.empty()},
           {"health_port", health_port_}});
  return port;
}

int ServerHost::metrics_port() const { return metrics_server_ ? metrics_server_->port() : 0; }

void ServerHost::SetServing(bool serving) {
  for (grpc::Server* server : {server_.get(), health_server_.get()}) {
    if (server == nullptr) {
      continue;
    }
    auto* health = server->GetHealthCheckService();
    health->SetServingStatus("", serving);
    for (const auto& entry : services_) {
      health->SetServingStatus(entry.second, serving);
    }
    // Liveness: the process answers. Kubelet liveness probes ask for it, so an outage of a
    // dependency (readiness) never restarts pods.
    health->SetServingStatus(kLivenessService, true);
  }
}

bool ServerHost::Probe() { return deadline_probe_ ? deadline_probe_->Check() : true; }

void ServerHost::HealthLoop(bool last) {
  while (!stopping_) {
    const bool serving = Probe();
    if (stopping_) {
      break;
    }
    // Only a change is set: gRPC's health service sends every SetServingStatus to each
    // Health/Watch stream, so setting the same status every interval would resend it each time.
    if (serving != last) {
      LogWarning(serving ? "dependencies back: SERVING" : "dependency check failed: NOT_SERVING");
      last = serving;
      SetServing(serving);
    }
    std::unique_lock<std::mutex> lock(health_mutex_);
    health_wake_.wait_for(lock, std::chrono::milliseconds(config_.health_interval_ms),
                          [this] { return stopping_.load(); });
  }
}

void ServerHost::Shutdown() {
  if (!started_ || stopping_.exchange(true)) {
    return;
  }
  health_wake_.notify_all();
  health_thread_.join();
  deadline_probe_.reset();
  // Tell health checkers first, then give load balancers time to stop sending new calls.
  SetServing(false);
  LogInfo("shutting down: NOT_SERVING, draining", {{"drain_ms", config_.drain_ms}});
  std::this_thread::sleep_for(std::chrono::milliseconds(config_.drain_ms));
  server_->Shutdown(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(config_.shutdown_grace_ms));
  server_->Wait();
  if (health_server_) {
    health_server_->Shutdown();
    health_server_->Wait();
  }
  for (auto& hook : shutdown_hooks_) {
    hook();
  }
  metrics_server_.reset();
  LogInfo("shutdown complete");
}

void ServerHost::BlockTerminationSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

int ServerHost::WaitForTerminationSignal() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int received = 0;
  sigwait(&signals, &received);
  return received;
}

}  // namespace clienttier
