#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

namespace clienttier::gateway {

// What every upstream call carries from the HTTP request: the caller's metadata (API key,
// tenant, request id) and the deadline.
struct CallOptions {
  std::vector<std::pair<std::string, std::string>> metadata;
  std::chrono::system_clock::time_point deadline;
};

// One gRPC call of any method by its path, with serialized messages in and out, blocking on a
// completion queue of its own: the same code serves unary, server- and client-streaming
// methods, so no method needs code of its own. Not thread-safe; one HTTP request owns it.
class UpstreamCall {
 public:
  UpstreamCall(grpc::GenericStub& stub, const std::string& method_path, const CallOptions& options);
  ~UpstreamCall();
  UpstreamCall(const UpstreamCall&) = delete;
  UpstreamCall& operator=(const UpstreamCall&) = delete;

  // False when the call already failed (Finish tells why).
  bool Write(const std::string& bytes);
  bool WritesDone();
  // False at the end of the response stream or on failure.
  bool Read(std::string* bytes);
  // The call's status; after it, no other method may be called.
  grpc::Status Finish();
  // Abandons the call (the HTTP client went away).
  void Cancel() { context_.TryCancel(); }

 private:
  bool Wait();

  grpc::ClientContext context_;
  grpc::CompletionQueue queue_;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call_;
  bool finished_ = false;
};

}  // namespace clienttier::gateway
