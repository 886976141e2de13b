#include "common/server/rpc_runner.h"

#include <unordered_map>

#include "common/errors/status_mapping.h"
#include "common/observability/logger.h"

namespace clienttier {

RpcRunner::RpcRunner(std::string service, ApiKeyStore& keys, MetricsRegistry& metrics)
    : service_(std::move(service)), keys_(keys), metrics_(metrics) {}

grpc::Status RpcRunner::Failure(const char* method, const std::string& tenant,
                                const DomainError& error) {
  if (error.kind() == ErrorKind::kInternal) {
    LogError("internal error", {{"method", method}, {"tenant", tenant}, {"detail", error.what()}});
  }
  return ToGrpcStatus(error);
}

grpc::Status RpcRunner::Unexpected(const char* method, const std::string& tenant,
                                   const std::exception& error) {
  LogError("unexpected exception", {{"method", method}, {"tenant", tenant}, {"detail", error.what()}});
  return grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
}

void RpcRunner::Record(const char* method, const std::string& tenant, const grpc::Status& status,
                       std::chrono::steady_clock::time_point start) {
  const double latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  // Series are looked up once per thread and kept: the registry's lock stays off the hot path.
  struct Series {
    Counter* calls;
    Histogram* latency;
  };
  thread_local std::unordered_map<std::string, Series> cache;
  const std::string key = service_ + '\0' + method + '\0' + std::to_string(status.error_code()) +
                          '\0' + std::to_string(reinterpret_cast<uintptr_t>(&metrics_));
  auto found = cache.find(key);
  if (found == cache.end()) {
    Series series{
        &metrics_.GetCounter("ct_rpc_total", "RPCs handled, by method and status code",
                             {{"service", service_}, {"method", method},
                              {"code", StatusCodeName(status.error_code())}}),
        &metrics_.GetHistogram("ct_rpc_latency_ms", "RPC handling time in milliseconds",
                               MetricsRegistry::LatencyBucketsMs(),
                               {{"service", service_}, {"method", method}})};
    found = cache.emplace(key, series).first;
  }
  found->second.calls->Increment();
  found->second.latency->Observe(latency_ms);
  if (!status.ok()) {
    Logger::Log(Severity::kInfo, "rpc failed",
                {{"method", method}, {"grpc_code", StatusCodeName(status.error_code())},
                 {"latency_ms", latency_ms}, {"tenant", tenant},
                 {"error", status.error_message()}});
  } else if (Logger::Enabled(Severity::kDebug)) {
    Logger::Log(Severity::kDebug, "rpc",
                {{"method", method}, {"grpc_code", "OK"}, {"latency_ms", latency_ms},
                 {"tenant", tenant}});
  }
}

}  // namespace clienttier
