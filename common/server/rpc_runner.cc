#include "common/server/rpc_runner.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <unordered_map>

#include <grpcpp/alarm.h>

#include "common/errors/status_mapping.h"
#include "common/observability/logger.h"
#include "common/observability/request_id.h"

namespace clienttier {

namespace {
std::atomic<uint64_t> next_runner_id{1};

// What a deadline-bounded call's worker and its deadline alarm race for: the first to set
// `answered` finishes the RPC.
struct BoundedCall {
  std::atomic<bool> answered{false};
  grpc::Alarm alarm;
};

constexpr std::chrono::milliseconds kMaxAnswerMargin{50};
}  // namespace

RpcRunner::RpcRunner(std::string service, ApiKeyStore& keys, MetricsRegistry& metrics)
    : service_(std::move(service)), keys_(keys), metrics_(metrics), id_(next_runner_id++) {}

grpc::Status RpcRunner::Execute(const char* method, const std::string* tenant,
                                const std::function<void()>& body) {
  try {
    body();
    return grpc::Status::OK;
  } catch (const DomainError& error) {
    return Failure(method, *tenant, error);
  } catch (const std::exception& error) {
    return Unexpected(method, *tenant, error);
  } catch (...) {
    // Not a std::exception (a library throwing an int or its own type): nothing to say about
    // it but that it happened, and the caller still gets a status instead of a dead process.
    LogError(
        "unexpected exception",
        {{"method", method}, {"tenant", *tenant}, {"detail", "not derived from std::exception"}});
    return grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
  }
}

std::string RpcRunner::BeginRequest(grpc::ServerContextBase& context) {
  std::string id;
  const auto sent = context.client_metadata().find(kRequestIdHeader);
  if (sent != context.client_metadata().end()) {
    id.assign(sent->second.data(), sent->second.size());
  }
  if (!IsUsableRequestId(id)) {
    id = NewRequestId();
  }
  context.AddInitialMetadata(kRequestIdHeader, id);
  return id;
}

grpc::ServerUnaryReactor* RpcRunner::RunUntilDeadline(
    grpc::CallbackServerContext* context, const char* method, Role required, WorkerPool& workers,
    std::function<bool(const Caller&)> fast,
    std::function<std::function<void()>(const Caller&)> slow) {
  const auto start = std::chrono::steady_clock::now();
  std::string request_id = BeginRequest(*context);
  const RequestIdScope scope(request_id);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto caller = std::make_shared<Caller>();
  bool answered = false;
  grpc::Status status = Execute(method, &caller->tenant_id, [&] {
    *caller = keys_.Authenticate(*context, required);
    answered = fast(*caller);
  });
  if (!status.ok() || answered) {
    Record(method, caller->tenant_id, status, start);
    reactor->Finish(status);
    return reactor;
  }
  auto call = std::make_shared<BoundedCall>();
  const auto now = std::chrono::system_clock::now();
  const auto deadline = context->deadline();
  if (deadline < now + std::chrono::hours(24 * 365)) {  // a caller without one: no alarm
    const auto margin = std::min<std::chrono::system_clock::duration>(
        std::max<std::chrono::system_clock::duration>(deadline - now, {}) / 10, kMaxAnswerMargin);
    // Weak: the worker holds the call; the alarm must not keep its own Alarm alive.
    std::weak_ptr<BoundedCall> weak = call;
    call->alarm.Set(deadline - margin, [this, weak, reactor, caller, start, method](bool fired) {
      const std::shared_ptr<BoundedCall> held = weak.lock();
      if (!fired || !held || held->answered.exchange(true)) {
        return;
      }
      const grpc::Status late(grpc::StatusCode::UNAVAILABLE,
                              "storage did not answer before the request's deadline; retry with "
                              "backoff");
      Record(method, caller->tenant_id, late, start);
      reactor->Finish(late);
    });
  }
  const bool queued =
      workers.TrySubmit([this, method, reactor, caller, start, call, slow = std::move(slow),
                         request_id = std::move(request_id)] {
        if (call->answered.load()) {
          return;  // the deadline came while it was queued
        }
        const RequestIdScope worker_scope(request_id);
        std::function<void()> write_response;
        const grpc::Status result =
            Execute(method, &caller->tenant_id, [&] { write_response = slow(*caller); });
        if (call->answered.exchange(true)) {
          return;  // too late: the caller has UNAVAILABLE, and the response may be gone
        }
        call->alarm.Cancel();
        if (result.ok()) {
          write_response();
        }
        Record(method, caller->tenant_id, result, start);
        reactor->Finish(result);
      });
  if (!queued && !call->answered.exchange(true)) {
    call->alarm.Cancel();
    status = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "server busy; retry with backoff");
    Record(method, caller->tenant_id, status, start);
    reactor->Finish(status);
  }
  return reactor;
}

grpc::Status RpcRunner::Failure(const char* method, const std::string& tenant,
                                const DomainError& error) {
  if (error.kind() == ErrorKind::kInternal) {
    LogError("internal error", {{"method", method}, {"tenant", tenant}, {"detail", error.what()}});
  }
  return ToGrpcStatus(error);
}

grpc::Status RpcRunner::Unexpected(const char* method, const std::string& tenant,
                                   const std::exception& error) {
  LogError("unexpected exception",
           {{"method", method}, {"tenant", tenant}, {"detail", error.what()}});
  return grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
}

void RpcRunner::Record(const char* method, const std::string& tenant, const grpc::Status& status,
                       std::chrono::steady_clock::time_point start) {
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  const double latency_ms = elapsed.count() * 1000;
  // Series are looked up once per thread and kept: the registry's lock stays off the hot path.
  // The key is the method literal's address, not its text, so a lookup allocates nothing.
  struct Key {
    uint64_t runner;
    const char* method;
    int code;
    bool operator==(const Key& other) const {
      return runner == other.runner && method == other.method && code == other.code;
    }
  };
  struct KeyHash {
    size_t operator()(const Key& key) const {
      return std::hash<uint64_t>()(key.runner) ^ (std::hash<const void*>()(key.method) << 1) ^
             static_cast<size_t>(key.code);
    }
  };
  struct Series {
    Counter* calls;
    Histogram* latency;
  };
  thread_local std::unordered_map<Key, Series, KeyHash> cache;
  const Key key{id_, method, static_cast<int>(status.error_code())};
  auto found = cache.find(key);
  if (found == cache.end()) {
    Series series{&metrics_.GetCounter("ct_rpc_total", "RPCs handled, by method and status code",
                                       {{"service", service_},
                                        {"method", method},
                                        {"code", StatusCodeName(status.error_code())}}),
                  &metrics_.GetHistogram("ct_rpc_duration_seconds", "RPC handling time in seconds",
                                         MetricsRegistry::LatencyBucketsSeconds(),
                                         {{"service", service_}, {"method", method}})};
    found = cache.emplace(key, series).first;
  }
  found->second.calls->Increment();
  found->second.latency->Observe(elapsed.count());
  if (!status.ok()) {
    Logger::Log(Severity::kInfo, "rpc failed",
                {{"method", method},
                 {"grpc_code", StatusCodeName(status.error_code())},
                 {"latency_ms", latency_ms},
                 {"tenant", tenant},
                 {"error", status.error_message()}});
  } else if (Logger::Enabled(Severity::kDebug)) {
    Logger::Log(
        Severity::kDebug, "rpc",
        {{"method", method}, {"grpc_code", "OK"}, {"latency_ms", latency_ms}, {"tenant", tenant}});
  }
}

}  // namespace clienttier
