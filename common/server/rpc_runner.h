#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
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

  // The frame of a callback-API unary read whose common case needs no I/O (served from the
  // in-process cache): `fast` runs inline on gRPC's thread, with the authenticated caller, and
  // returns true when it answered; otherwise `slow` (which may block on MySQL or Redis) runs on
  // `workers`, and a full worker queue is RESOURCE_EXHAUSTED. A slow path may wait on a frozen
  // dependency (a stopped mariadbd answers nothing until the read timeout): `slow` returns the
  // response instead of writing it, so the RPC can be answered without it. When the request's
  // deadline comes (less a tenth of the time it had, at most 50 ms, so the answer reaches the
  // caller before its own deadline fires) before `slow` returns, the caller gets UNAVAILABLE
  // and the worker's late result is dropped; a call still queued then is never started.
  // `slow` reads a copy of the request, never gRPC's: once the RPC is answered at its deadline
  // gRPC frees the request, while the worker may still be inside `slow` (waiting on the frozen
  // database) and read its fields after it returns.
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* RunUnaryRead(
      grpc::CallbackServerContext* context, const char* method, Role required, WorkerPool& workers,
      const Request& request, Response* response, std::function<bool(const Caller&)> fast,
      std::function<Response(const Caller&, const Request&)> slow) {
    return RunUntilDeadline(
        context, method, required, workers, std::move(fast),
        [request = std::make_shared<const Request>(request), response,
         slow = std::move(slow)](const Caller& caller) -> std::function<void()> {
          auto result = std::make_shared<Response>(slow(caller, *request));
          return [response, result] { response->Swap(result.get()); };
        });
  }

  // Runs `body`, mapping whatever it throws through the one error mapping: a DomainError to its
  // status, anything else (a std::exception or not) to INTERNAL "internal error", logged with
  // what detail there is and never shown to the caller. Run and RunUnaryRead frame every
  // handler with it; public so the mapping can be tested without a server.
  grpc::Status Execute(const char* method, const std::string* tenant,
                       const std::function<void()>& body);

 private:
  // The RPC's request id, answered to the caller in the initial metadata.
  static std::string BeginRequest(grpc::ServerContextBase& context);
  // RunUnaryRead's frame: `slow` returns what writes the response, run only by the worker that
  // answers before the deadline does.
  grpc::ServerUnaryReactor* RunUntilDeadline(
      grpc::CallbackServerContext* context, const char* method, Role required, WorkerPool& workers,
      std::function<bool(const Caller&)> fast,
      std::function<std::function<void()>(const Caller&)> slow);
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
