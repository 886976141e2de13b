#include "services/gateway/transport/upstreams.h"

#include "grpc/health/v1/health.grpc.pb.h"

namespace clienttier::gateway {

Upstreams::Upstreams(const std::map<std::string, std::string>& targets, const ClientTls& tls) {
  for (const auto& [service, target] : targets) {
    if (target.empty()) {
      continue;
    }
    Upstream upstream;
    upstream.channel = MakeServiceChannel(target, tls);
    upstream.stub = std::make_unique<grpc::GenericStub>(upstream.channel);
    by_service_.emplace(service, std::move(upstream));
    services_.push_back(service);
  }
}

grpc::GenericStub* Upstreams::StubFor(const std::string& service_full_name) {
  const auto found = by_service_.find(service_full_name);
  return found == by_service_.end() ? nullptr : found->second.stub.get();
}

std::map<std::string, bool> Upstreams::CheckHealth(std::chrono::milliseconds timeout) const {
  std::map<std::string, bool> serving;
  for (const auto& [service, upstream] : by_service_) {
    auto stub = grpc::health::v1::Health::NewStub(upstream.channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout);
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    const grpc::Status status = stub->Check(&context, request, &response);
    serving[service] =
        status.ok() && response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
  }
  return serving;
}

}  // namespace clienttier::gateway
