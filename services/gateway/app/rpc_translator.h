#pragma once

#include <memory>
#include <string>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include "services/gateway/transport/upstream_call.h"
#include "services/gateway/transport/upstreams.h"

namespace clienttier::gateway {

// The response messages of one upstream call, each as proto3 JSON.
class JsonResponseStream {
 public:
  JsonResponseStream(std::unique_ptr<UpstreamCall> call,
                     const google::protobuf::Descriptor& response_type);

  // The next response message as one line of JSON (no newline); false at the end of the
  // stream or on failure (Finish tells which).
  bool Next(std::string* json);
  grpc::Status Finish();
  void Cancel() { call_->Cancel(); }

 private:
  std::unique_ptr<UpstreamCall> call_;
  std::unique_ptr<google::protobuf::Message> response_;
  grpc::Status conversion_error_;
};

// Connect-style JSON over any RPC of the upstream services, by descriptor: the request body is
// parsed into the method's input type, sent with the caller's metadata and deadline, and the
// responses are printed as proto3 JSON. A new RPC in a proto needs no code here.
class RpcTranslator {
 public:
  explicit RpcTranslator(Upstreams& upstreams) : upstreams_(upstreams) {}

  // The method `service`/`method` when an upstream serves its service; nullptr otherwise.
  const google::protobuf::MethodDescriptor* FindMethod(const std::string& service,
                                                       const std::string& method) const;

  // Starts the call. The body is one JSON request, or for a client-streaming method one JSON
  // request per line. A body that does not parse is INVALID_ARGUMENT naming "body" (and the
  // line), reported in *error with nullptr returned.
  std::unique_ptr<JsonResponseStream> Open(const google::protobuf::MethodDescriptor& method,
                                           const std::string& body, const CallOptions& options,
                                           grpc::Status* error);

 private:
  Upstreams& upstreams_;
};

// proto3 JSON of a message as the gateway prints it: lowerCamel names, enums by name, and
// zero values printed, so a tool reading the JSON need not know proto3's defaults.
std::string ToJson(const google::protobuf::Message& message);

}  // namespace clienttier::gateway
