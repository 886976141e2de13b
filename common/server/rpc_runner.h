#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>
#include <grpcpp/support/status.h>

#include "common/auth/api_key_store.h"
#include "common/errors/domain_error.h"
#include "common/errors/status_mapping.h"
#include "common/observability/metrics.h"
#include "common/observability/request_id.h"
#include "common/server/worker_pool.h"

namespace clienttier {

// The frame around every handler: give the RPC its request id (the caller's `x-request-id` or a
// new one, answered in the response's initial metadata and on every log line it writes),
// authenticate the caller, run the body, map whatever it throws through the one error mapping,
// and record per-method counts by code, latency and a JSON log line. Handlers stay: validate,
// call logic, call storage, fill the response.
class RpcRunner {
 public:
  RpcRunner(std::string service, ApiKeyStore& keys, MetricsRegistry& metrics);

  template <typename Body>
  grpc::Status Run(grpc::ServerContext* context, const char* method, Role required, Body&& body) {
    const auto start = std::chrono::steady_clock::now();
    const RequestIdScope scope(BeginRequest(*context));
    std::string tenant;
    const grpc::Status status = Execute(method, &tenant, [&] {
      const Caller caller = keys_.Authenticate(*context, required);
      tenant = caller.tenant_id;
      body(caller);
    });
    Record(method, tenant, status, start);
    return status;
  }

  // The same frame for a callback-API unary handler whose common case needs no I/O (a read
  // served from the in-process cache): `fast` runs inline on gRPC's thread and returns true
  // when it answered; otherwise `slow` (which may block on MySQL or Redis) runs on `workers`.
  // A full worker queue is RESOURCE_EXHAUSTED. Both get the authenticated caller.
  grpc::ServerUnaryReactor* RunUnaryCallback(grpc::CallbackServerContext* context,
                                             const char* method, Role required, WorkerPool& workers,
                                             std::function<bool(const Caller&)> fast,
                                             std::function<void(const Caller&)> slow);

  // Runs `body`, mapping whatever it throws through the one error mapping: a DomainError to its
  // status, anything else (a std::exception or not) to INTERNAL "internal error", logged with
  // what detail there is and never shown to the caller. Run and RunUnaryCallback frame every
  // handler with it; public so the mapping can be tested without a server.
  grpc::Status Execute(const char* method, const std::string* tenant,
                       const std::function<void()>& body);

 private:
  // The RPC's request id, answered to the caller in the initial metadata.
  static std::string BeginRequest(grpc::ServerContextBase& context);
  grpc::Status Failure(const char* method, const std::string& tenant, const DomainError& error);
  grpc::Status Unexpected(const char* method, const std::string& tenant,
                          const std::exception& error);
  void Record(const char* method, const std::string& tenant, const grpc::Status& status,
              std::chrono::steady_clock::time_point start);

  std::string service_;
  ApiKeyStore& keys_;
  MetricsRegistry& metrics_;
  // Unique per runner for the process' lifetime: the per-thread metric series cache is keyed
  // by it, and gRPC's callback threads outlive a runner (tests start several in turn).
  uint64_t id_;
};

}  // namespace clienttier
