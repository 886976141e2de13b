#pragma once

#include <memory>
#include <string>
#include <thread>

#include "common/observability/metrics.h"

namespace httplib {
class Server;
}

namespace clienttier {

// Serves GET /metrics (Prometheus text) on its own port, apart from gRPC, so scraping never
// competes with RPC threads and the port can stay cluster-internal.
class MetricsHttpServer {
 public:
  MetricsHttpServer(const MetricsRegistry& registry, std::string host, int port);
  ~MetricsHttpServer();
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  // The port actually bound (useful when 0 asked for any free port).
  int port() const { return port_; }

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace clienttier
