#include "common/observability/metrics_http_server.h"

#include <stdexcept>

#include <httplib.h>

namespace clienttier {

MetricsHttpServer::MetricsHttpServer(const MetricsRegistry& registry, std::string host, int port)
    : server_(std::make_unique<httplib::Server>()) {
  server_->Get("/metrics", [&registry](const httplib::Request&, httplib::Response& response) {
    response.set_content(registry.Render(), "text/plain; version=0.0.4");
  });
  server_->Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("ok\n", "text/plain");
  });
  port_ =
      port == 0 ? server_->bind_to_any_port(host) : (server_->bind_to_port(host, port) ? port : -1);
  if (port_ < 0) {
    throw std::runtime_error("metrics: cannot bind " + host + ":" + std::to_string(port));
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
}

MetricsHttpServer::~MetricsHttpServer() {
  server_->stop();
  if (thread_.joinable()) {
    thread_.join();
  }
}

}  // namespace clienttier
