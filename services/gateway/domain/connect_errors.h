#pragma once

#include <string>

#include <grpcpp/support/status_code_enum.h>

namespace clienttier::gateway {

// The Connect protocol's error vocabulary (connectrpc.com/docs/protocol#error-codes): each gRPC
// code has one lower-case name and one HTTP status, so an HTTP client can branch on the status
// and a Connect client reads the same code a gRPC client would have seen.
struct ConnectError {
  std::string code;  // "invalid_argument", ...
  int http_status;   // 400, ...
};

ConnectError ConnectErrorFor(grpc::StatusCode code);

// {"code":"...","message":"..."}: the body of a failed unary call.
std::string ConnectErrorJson(grpc::StatusCode code, const std::string& message);

// {"error":{"code":"...","message":"..."}}: the last line of a failed NDJSON stream, where the
// HTTP status (200) was sent before the failure was known.
std::string EndOfStreamErrorJson(grpc::StatusCode code, const std::string& message);

}  // namespace clienttier::gateway
