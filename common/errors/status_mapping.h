#pragma once

#include <exception>

#include <grpcpp/support/status.h>

#include "common/errors/domain_error.h"

namespace clienttier {

grpc::StatusCode ToGrpcCode(ErrorKind kind);

// Maps a domain error to the status the caller sees. Internal errors get a generic message:
// their detail (SQL, what()) belongs in the log, never in a client message.
grpc::Status ToGrpcStatus(const DomainError& error);

// "INVALID_ARGUMENT", ... for logs, metrics labels and command-line tools.
const char* StatusCodeName(grpc::StatusCode code);

}  // namespace clienttier
