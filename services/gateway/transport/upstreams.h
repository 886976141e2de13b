#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "common/server/tls.h"

namespace clienttier::gateway {

// The upstream services by proto service full name ("clienttier.scoring.v1.ScoringService"),
// each a channel (round robin over the headless Service, keepalive, TLS when configured) and a
// generic stub over it.
class Upstreams {
 public:
  // `targets`: service full name -> gRPC target; an empty target leaves the service out.
  Upstreams(const std::map<std::string, std::string>& targets, const ClientTls& tls);

  // nullptr when the service has no upstream.
  grpc::GenericStub* StubFor(const std::string& service_full_name);
  const std::vector<std::string>& services() const { return services_; }
  // grpc.health.v1 Check of every upstream ("" service), each within `timeout`: name -> serving.
  std::map<std::string, bool> CheckHealth(std::chrono::milliseconds timeout) const;

 private:
  struct Upstream {
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<grpc::GenericStub> stub;
  };
  std::map<std::string, Upstream> by_service_;
  std::vector<std::string> services_;
};

}  // namespace clienttier::gateway
