#pragma once

#include <memory>
#include <string>

#include <google/protobuf/descriptor.h>
#include <grpcpp/support/server_interceptor.h>

namespace clienttier {

// A request that protobuf cannot parse never reaches a handler: gRPC answers it itself, INTERNAL
// with an empty message (sync API) or UNIMPLEMENTED (callback API). The commonest cause is a
// proto3 string field holding invalid UTF-8, which protobuf checks while parsing. This
// interceptor turns that answer into INVALID_ARGUMENT naming the field ("client.display_name:
// must be valid UTF-8") or, when the field is unknown, saying the request is not valid protobuf.

// The message for a request whose field `field_path` held invalid UTF-8 (empty: not known).
std::string InvalidRequestMessage(const std::string& field_path);

// The path of the field with protobuf full name `field_full_name` (e.g.
// "clienttier.profile.v1.Client.display_name") inside `request`, the shortest if several lead
// to it, as "client.display_name"; repeated fields get "[]" ("transactions[].note"). Empty when
// the request cannot hold that field.
std::string FieldPathIn(const google::protobuf::Descriptor& request,
                        const std::string& field_full_name);

// The full field name of protobuf's last "contains invalid UTF-8" complaint on this thread, and
// forgets it. Protobuf reports the field only through its log; the handler installed by
// CaptureInvalidUtf8Fields (idempotent, keeps forwarding every line to the previous handler)
// keeps it per thread, and gRPC parses a request on the thread that then runs the interceptors.
void CaptureInvalidUtf8Fields();
std::string TakeInvalidUtf8Field();

class ParseFailureInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace clienttier
