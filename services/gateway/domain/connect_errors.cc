#include "services/gateway/domain/connect_errors.h"

#include <nlohmann/json.hpp>

namespace clienttier::gateway {

ConnectError ConnectErrorFor(grpc::StatusCode code) {
  // Exactly the Connect specification's table; codes outside it (a peer's bug) are "unknown".
  switch (code) {
    case grpc::StatusCode::CANCELLED:
      return {"canceled", 499};
    case grpc::StatusCode::UNKNOWN:
      return {"unknown", 500};
    case grpc::StatusCode::INVALID_ARGUMENT:
      return {"invalid_argument", 400};
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return {"deadline_exceeded", 504};
    case grpc::StatusCode::NOT_FOUND:
      return {"not_found", 404};
    case grpc::StatusCode::ALREADY_EXISTS:
      return {"already_exists", 409};
    case grpc::StatusCode::PERMISSION_DENIED:
      return {"permission_denied", 403};
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return {"resource_exhausted", 429};
    case grpc::StatusCode::FAILED_PRECONDITION:
      return {"failed_precondition", 400};
    case grpc::StatusCode::ABORTED:
      return {"aborted", 409};
    case grpc::StatusCode::OUT_OF_RANGE:
      return {"out_of_range", 400};
    case grpc::StatusCode::UNIMPLEMENTED:
      return {"unimplemented", 501};
    case grpc::StatusCode::INTERNAL:
      return {"internal", 500};
    case grpc::StatusCode::UNAVAILABLE:
      return {"unavailable", 503};
    case grpc::StatusCode::DATA_LOSS:
      return {"data_loss", 500};
    case grpc::StatusCode::UNAUTHENTICATED:
      return {"unauthenticated", 401};
    default:
      return {"unknown", 500};
  }
}

namespace {

nlohmann::json ErrorObject(grpc::StatusCode code, const std::string& message) {
  nlohmann::json error = {{"code", ConnectErrorFor(code).code}};
  if (!message.empty()) {
    error["message"] = message;
  }
  return error;
}

}  // namespace

std::string ConnectErrorJson(grpc::StatusCode code, const std::string& message) {
  // Replace, not throw, on invalid UTF-8: an error must always be deliverable.
  return ErrorObject(code, message).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string EndOfStreamErrorJson(grpc::StatusCode code, const std::string& message) {
  return nlohmann::json{{"error", ErrorObject(code, message)}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace clienttier::gateway
