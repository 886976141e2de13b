#pragma once

#include <map>
#include <memory>
#include <string>

#include "common/config/config_reader.h"
#include "common/observability/metrics.h"
#include "common/observability/metrics_http_server.h"
#include "common/server/tls.h"
#include "services/gateway/http/gateway_http_server.h"
#include "services/gateway/transport/upstreams.h"

namespace clienttier::gateway {

struct GatewayConfig {
  HttpServerConfig http;
  std::string metrics_host = "0.0.0.0";
  int metrics_port = 9095;  // 0 picks a free port
  // Upstream gRPC targets, the same flags as tierctl and campaign use.
  std::string profile_address;
  std::string scoring_address;
  std::string campaign_address;
  std::string referral_address;
  ClientTls tls;
  int drain_ms = 2000;  // /readyz says 503 this long before the listener closes
};

GatewayConfig ReadGatewayConfig(ConfigReader& reader);

// The proto services the gateway can route, every service of the four: the generated
// descriptors linked into the binary.
std::vector<const google::protobuf::ServiceDescriptor*> GatewayServices();

// The gateway: upstream channels, the HTTP server over them, /metrics. main.cc and the
// integration tests both run it.
class GatewayApp {
 public:
  explicit GatewayApp(GatewayConfig config);
  ~GatewayApp();

  // Returns the bound HTTP port.
  int Start();
  void Stop();
  int metrics_port() const { return metrics_server_ ? metrics_server_->port() : 0; }

 private:
  GatewayConfig config_;
  MetricsRegistry metrics_;
  std::unique_ptr<Upstreams> upstreams_;
  std::unique_ptr<GatewayHttpServer> http_;
  std::unique_ptr<MetricsHttpServer> metrics_server_;
  bool started_ = false;
};

}  // namespace clienttier::gateway
