// Requests protobuf cannot parse (issue 19, part 5): a string field holding invalid UTF-8 is
// refused before any handler runs, so these send raw bytes through a generic call. Each must
// answer INVALID_ARGUMENT naming the field, and write nothing.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/impl/client_unary_call.h>
#include <grpcpp/impl/rpc_method.h>
#include <grpcpp/support/byte_buffer.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/scoring/scoring_fixture.h"

namespace clienttier::scoring {
namespace {

constexpr char kMarker[] = "@@UTF8@@";
const std::string kInvalidUtf8 = "\xff\xfe\xc3\x28\xa0\xa1\xe2\x28";  // as long as kMarker

// The serialized message with the marker string replaced by invalid UTF-8 of the same length.
std::string WithInvalidUtf8(const google::protobuf::Message& message) {
  std::string bytes = message.SerializeAsString();
  const size_t at = bytes.find(kMarker);
  EXPECT_NE(at, std::string::npos);
  bytes.replace(at, kInvalidUtf8.size(), kInvalidUtf8);
  return bytes;
}

class InvalidUtf8Test : public ScoringFixture {
 protected:
  // A unary call of `method` ("/pkg.Service/Method") with `payload` as the request's bytes.
  grpc::Status RawCall(int port, const std::string& method, const std::string& payload,
                       const std::string& api_key) {
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                       grpc::InsecureChannelCredentials());
    grpc::Slice slice(payload);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    const grpc::internal::RpcMethod rpc(method.c_str(), grpc::internal::RpcMethod::NORMAL_RPC);
    return grpc::internal::BlockingUnaryCall(channel.get(), rpc, Context(api_key).get(), request,
                                             &response);
  }

  int scoring_port() const { return scoring_port_; }
};

TEST_F(InvalidUtf8Test, ANestedStringFieldIsNamedAndNoClientIsCreated) {
  pv1::CreateClientRequest create;
  create.mutable_client()->set_client_id("utf8-c1");
  create.mutable_client()->set_display_name(kMarker);
  const grpc::Status status =
      RawCall(profile_port_, "/clienttier.profile.v1.ClientProfileService/CreateClient",
              WithInvalidUtf8(create), writer_a_);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(status.error_message(), "client.display_name: must be valid UTF-8");

  pv1::GetClientRequest get;
  get.set_client_id("utf8-c1");
  pv1::Client client;
  EXPECT_EQ(profile_stub_->GetClient(Context(reader_a_).get(), get, &client).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(InvalidUtf8Test, ATopLevelFieldOfASyncMethodIsNamed) {
  v1::ScoreClientRequest request;
  request.set_client_id(kMarker);
  const grpc::Status status =
      RawCall(scoring_port(), "/clienttier.scoring.v1.ScoringService/ScoreClient",
              WithInvalidUtf8(request), writer_a_);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(status.error_message(), "client_id: must be valid UTF-8");
}

TEST_F(InvalidUtf8Test, AFieldOfACallbackMethodIsNamed) {
  v1::GetScoreRequest request;
  request.set_client_id(kMarker);
  const grpc::Status status =
      RawCall(scoring_port(), "/clienttier.scoring.v1.ScoringService/GetScore",
              WithInvalidUtf8(request), reader_a_);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(status.error_message(), "client_id: must be valid UTF-8");
}

TEST_F(InvalidUtf8Test, BytesThatAreNoMessageAreInvalidArgument) {
  // Field 1 as a length-delimited value claiming more bytes than follow.
  const std::string truncated("\x0a\x7f\x61", 3);
  const grpc::Status status =
      RawCall(profile_port_, "/clienttier.profile.v1.ClientProfileService/CreateClient", truncated,
              writer_a_);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(status.error_message().rfind("request: not valid protobuf", 0), 0u)
      << status.error_message();
}

}  // namespace
}  // namespace clienttier::scoring
