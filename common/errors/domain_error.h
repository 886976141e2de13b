#pragma once

#include <stdexcept>
#include <string>

namespace clienttier {

// The one error vocabulary of every service. Domain and storage code throw these; the RPC
// layer maps them to grpc::Status in exactly one place (status_mapping.h).
enum class ErrorKind {
  kInvalid,             // bad input: names the field and the rule
  kNotFound,            // no such thing for this tenant
  kAlreadyExists,       // a create collided with an existing key
  kConflict,            // optimistic concurrency: the version moved on
  kFailedPrecondition,  // the state does not allow it (an erased client, ...)
  kUnauthenticated,     // no or unknown credentials
  kPermissionDenied,    // known caller, insufficient role
  kUnavailable,         // a backend (MySQL, Redis, a peer) is down or timed out
  kInternal,            // a bug; never shown to the caller in detail
};

class DomainError : public std::runtime_error {
 public:
  DomainError(ErrorKind kind, std::string message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

// "field: rule", the form every INVALID_ARGUMENT message takes.
inline DomainError InvalidArgument(const std::string& field, const std::string& rule) {
  return DomainError(ErrorKind::kInvalid, field + ": " + rule);
}
inline DomainError NotFound(std::string message) {
  return DomainError(ErrorKind::kNotFound, std::move(message));
}
inline DomainError AlreadyExists(std::string message) {
  return DomainError(ErrorKind::kAlreadyExists, std::move(message));
}
inline DomainError Conflict(std::string message) {
  return DomainError(ErrorKind::kConflict, std::move(message));
}
inline DomainError FailedPrecondition(std::string message) {
  return DomainError(ErrorKind::kFailedPrecondition, std::move(message));
}
inline DomainError Unavailable(std::string message) {
  return DomainError(ErrorKind::kUnavailable, std::move(message));
}
inline DomainError Internal(std::string message) {
  return DomainError(ErrorKind::kInternal, std::move(message));
}

}  // namespace clienttier
