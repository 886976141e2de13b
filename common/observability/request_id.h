#pragma once

#include <string>

namespace clienttier {

// A request id ties together every log line one RPC writes and what its caller saw: the server
// answers it in the `x-request-id` response header, and the caller may send its own (a gateway
// or a client that logs one) so one id follows a request across services.
inline constexpr char kRequestIdHeader[] = "x-request-id";

// A new id: 16 random bytes as 32 lowercase hex digits.
std::string NewRequestId();

// Whether a caller's id may be adopted: 1 to 64 characters of [A-Za-z0-9._-], so a log line
// never carries arbitrary caller text.
bool IsUsableRequestId(const std::string& text);

// The id of the RPC this thread is serving, or "" outside one. The logger adds it to every line.
const std::string& CurrentRequestId();

// Makes `id` the current request id of this thread for the scope's lifetime (a handler on a
// gRPC thread, or its continuation on a worker thread).
class RequestIdScope {
 public:
  explicit RequestIdScope(std::string id);
  ~RequestIdScope();
  RequestIdScope(const RequestIdScope&) = delete;
  RequestIdScope& operator=(const RequestIdScope&) = delete;

 private:
  std::string previous_;
};

}  // namespace clienttier
