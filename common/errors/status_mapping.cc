#include "common/errors/status_mapping.h"

namespace clienttier {

grpc::StatusCode ToGrpcCode(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalid:
      return grpc::StatusCode::INVALID_ARGUMENT;
    case ErrorKind::kNotFound:
      return grpc::StatusCode::NOT_FOUND;
    case ErrorKind::kAlreadyExists:
      return grpc::StatusCode::ALREADY_EXISTS;
    case ErrorKind::kConflict:
      return grpc::StatusCode::ABORTED;
    case ErrorKind::kFailedPrecondition:
      return grpc::StatusCode::FAILED_PRECONDITION;
    case ErrorKind::kUnauthenticated:
      return grpc::StatusCode::UNAUTHENTICATED;
    case ErrorKind::kPermissionDenied:
      return grpc::StatusCode::PERMISSION_DENIED;
    case ErrorKind::kUnavailable:
      return grpc::StatusCode::UNAVAILABLE;
    case ErrorKind::kInternal:
      return grpc::StatusCode::INTERNAL;
  }
  return grpc::StatusCode::INTERNAL;
}

grpc::Status ToGrpcStatus(const DomainError& error) {
  const grpc::StatusCode code = ToGrpcCode(error.kind());
  if (code == grpc::StatusCode::INTERNAL) {
    return grpc::Status(code, "internal error");
  }
  return grpc::Status(code, error.what());
}

}  // namespace clienttier
