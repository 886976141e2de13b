#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/observability/metrics.h"
#include "services/gateway/app/rpc_translator.h"
#include "services/gateway/transport/upstreams.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace clienttier::gateway {

struct HttpServerConfig {
  std::string host = "0.0.0.0";
  int port = 8080;  // 0 picks a free port
  // Each request holds a thread for its whole call, a stream or an export included.
  int threads = 64;
  int default_timeout_ms = 30000;   // a unary call without Connect-Timeout-Ms
  int stream_timeout_ms = 3600000;  // a streaming call or an export without it
  int max_timeout_ms = 3600000;     // Connect-Timeout-Ms is clamped to this
  int64_t max_body_bytes = 8 * 1024 * 1024;
  int readiness_cache_ms = 1000;  // upstream health is asked at most this often
  // The built console's files (index.html, app.js, ...), served at /console/; empty: none.
  std::string console_dir;
};

// The gateway's HTTP surface (cpp-httplib):
//   POST /<package>.<Service>/<Method>         Connect unary JSON; server-streaming as NDJSON
//   GET  /openapi.json                          the OpenAPI document built from the descriptors
//   GET  /v1/segments/{segment_id}/members.csv?channel=email   consenting members, streamed
//   GET  /healthz, /readyz                      liveness; readiness (upstream health)
//   GET  /console/...                           the console's static files (and / redirects)
// It authenticates nobody itself: the caller's key travels to the services as gRPC metadata.
class GatewayHttpServer {
 public:
  GatewayHttpServer(HttpServerConfig config, Upstreams& upstreams, std::string openapi_json,
                    MetricsRegistry& metrics);
  ~GatewayHttpServer();
  GatewayHttpServer(const GatewayHttpServer&) = delete;
  GatewayHttpServer& operator=(const GatewayHttpServer&) = delete;

  // Binds and serves on a thread of its own; returns the bound port.
  int Start();
  // /readyz answers 503 from now on, so balancers move away before Stop.
  void StartDraining() { draining_ = true; }
  void Stop();

 private:
  void HandleRpc(const httplib::Request& request, httplib::Response& response);
  void HandleExport(const httplib::Request& request, httplib::Response& response);
  void HandleReady(httplib::Response& response);
  void HandleConsole(const httplib::Request& request, httplib::Response& response);
  // Metadata and deadline from the request headers; false (and `response` filled) when
  // Connect-Timeout-Ms is malformed.
  bool OptionsFrom(const httplib::Request& request, int default_timeout_ms, CallOptions* options,
                   httplib::Response& response);
  void Count(const std::string& route, grpc::StatusCode code);

  HttpServerConfig config_;
  Upstreams& upstreams_;
  RpcTranslator translator_;
  std::string openapi_json_;
  MetricsRegistry& metrics_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<bool> draining_{false};
  std::mutex readiness_mutex_;
  std::chrono::steady_clock::time_point readiness_checked_at_;
  std::map<std::string, bool> readiness_;
};

}  // namespace clienttier::gateway
