// The code -> HTTP status table against the Connect specification's table
// (connectrpc.com/docs/protocol#error-codes), written out here independently of the code.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "services/gateway/domain/connect_errors.h"

namespace clienttier::gateway {
namespace {

TEST(ConnectErrorsTest, EveryGrpcCodeHasTheSpecificationsNameAndStatus) {
  struct Row {
    grpc::StatusCode code;
    const char* name;
    int http;
  };
  const Row rows[] = {
      {grpc::StatusCode::CANCELLED, "canceled", 499},
      {grpc::StatusCode::UNKNOWN, "unknown", 500},
      {grpc::StatusCode::INVALID_ARGUMENT, "invalid_argument", 400},
      {grpc::StatusCode::DEADLINE_EXCEEDED, "deadline_exceeded", 504},
      {grpc::StatusCode::NOT_FOUND, "not_found", 404},
      {grpc::StatusCode::ALREADY_EXISTS, "already_exists", 409},
      {grpc::StatusCode::PERMISSION_DENIED, "permission_denied", 403},
      {grpc::StatusCode::RESOURCE_EXHAUSTED, "resource_exhausted", 429},
      {grpc::StatusCode::FAILED_PRECONDITION, "failed_precondition", 400},
      {grpc::StatusCode::ABORTED, "aborted", 409},
      {grpc::StatusCode::OUT_OF_RANGE, "out_of_range", 400},
      {grpc::StatusCode::UNIMPLEMENTED, "unimplemented", 501},
      {grpc::StatusCode::INTERNAL, "internal", 500},
      {grpc::StatusCode::UNAVAILABLE, "unavailable", 503},
      {grpc::StatusCode::DATA_LOSS, "data_loss", 500},
      {grpc::StatusCode::UNAUTHENTICATED, "unauthenticated", 401},
  };
  EXPECT_EQ(std::size(rows), 16u);  // every code but OK
  for (const Row& row : rows) {
    const ConnectError error = ConnectErrorFor(row.code);
    EXPECT_EQ(error.code, row.name) << static_cast<int>(row.code);
    EXPECT_EQ(error.http_status, row.http) << row.name;
  }
}

TEST(ConnectErrorsTest, ACodeOutsideTheTableIsUnknown) {
  const ConnectError error = ConnectErrorFor(static_cast<grpc::StatusCode>(42));
  EXPECT_EQ(error.code, "unknown");
  EXPECT_EQ(error.http_status, 500);
}

TEST(ConnectErrorsTest, BodiesAreValidJsonEvenForAwkwardMessages) {
  const std::string message = "client.email: must contain one '@' \"quoted\"\n\xff";
  const auto unary =
      nlohmann::json::parse(ConnectErrorJson(grpc::StatusCode::INVALID_ARGUMENT, message));
  EXPECT_EQ(unary["code"], "invalid_argument");
  EXPECT_EQ(unary["message"].get<std::string>().rfind("client.email: must contain one '@' "
                                                      "\"quoted\"\n",
                                                      0),
            0u);
  const auto end = nlohmann::json::parse(EndOfStreamErrorJson(grpc::StatusCode::UNAVAILABLE, ""));
  EXPECT_EQ(end["error"]["code"], "unavailable");
  EXPECT_FALSE(end["error"].contains("message"));  // Connect: message omitted when empty
}

}  // namespace
}  // namespace clienttier::gateway
