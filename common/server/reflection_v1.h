#pragma once

#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "grpc/reflection/v1/reflection.grpc.pb.h"

namespace clienttier {

// grpc.reflection.v1 over the process' generated descriptor pool, beside gRPC's own v1alpha
// plugin: the same answers under the package tools ask for first. Each file answer carries the
// file and everything it imports, so a client can build the whole schema from one response.
class ReflectionV1Service final : public ::grpc::reflection::v1::ServerReflection::Service {
 public:
  // `services`: the fully qualified names ListServices answers.
  explicit ReflectionV1Service(std::vector<std::string> services);

  grpc::Status ServerReflectionInfo(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<::grpc::reflection::v1::ServerReflectionResponse,
                               ::grpc::reflection::v1::ServerReflectionRequest>* stream) override;

  // One request's answer; public so the mapping can be tested without a server.
  ::grpc::reflection::v1::ServerReflectionResponse Answer(
      const ::grpc::reflection::v1::ServerReflectionRequest& request) const;

 private:
  std::vector<std::string> services_;
};

// The services every ClientTier server exposes besides its own: health and both reflections.
std::vector<std::string> StandardServiceNames();

}  // namespace clienttier
