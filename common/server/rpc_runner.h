#pragma once

#include <chrono>
#include <string>

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include "common/auth/api_key_store.h"
#include "common/errors/domain_error.h"
#include "common/errors/status_mapping.h"
#include "common/observability/metrics.h"

namespace clienttier {

// The frame around every handler: authenticate the caller, run the body, map whatever it
// throws through the one error mapping, and record per-method counts by code, latency and a
// JSON log line. Handlers stay: validate, call logic, call storage, fill the response.
class RpcRunner {
 public:
  RpcRunner(std::string service, ApiKeyStore& keys, MetricsRegistry& metrics);

  template <typename Body>
  grpc::Status Run(grpc::ServerContext* context, const char* method, Role required, Body&& body) {
    const auto start = std::chrono::steady_clock::now();
    std::string tenant;
    grpc::Status status;
    try {
      const Caller caller = keys_.Authenticate(*context, required);
      tenant = caller.tenant_id;
      body(caller);
    } catch (const DomainError& error) {
      status = Failure(method, tenant, error);
    } catch (const std::exception& error) {
      status = Unexpected(method, tenant, error);
    }
    Record(method, tenant, status, start);
    return status;
  }

 private:
  grpc::Status Failure(const char* method, const std::string& tenant, const DomainError& error);
  grpc::Status Unexpected(const char* method, const std::string& tenant,
                          const std::exception& error);
  void Record(const char* method, const std::string& tenant, const grpc::Status& status,
              std::chrono::steady_clock::time_point start);

  std::string service_;
  ApiKeyStore& keys_;
  MetricsRegistry& metrics_;
};

}  // namespace clienttier
