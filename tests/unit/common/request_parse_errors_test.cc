#include "common/server/request_parse_errors.h"

#include <gtest/gtest.h>

#include <string>

#include "clienttier/profile/v1/profile_service.pb.h"

namespace clienttier {
namespace {

namespace pv1 = ::clienttier::profile::v1;

const google::protobuf::Descriptor& Of(const google::protobuf::Message& message) {
  return *message.GetDescriptor();
}

TEST(RequestParseErrorsTest, AFieldOfTheRequestItselfIsNamedPlainly) {
  EXPECT_EQ(
      FieldPathIn(Of(pv1::GetClientRequest()), "clienttier.profile.v1.GetClientRequest.client_id"),
      "client_id");
}

TEST(RequestParseErrorsTest, ANestedFieldIsNamedByItsPath) {
  EXPECT_EQ(
      FieldPathIn(Of(pv1::CreateClientRequest()), "clienttier.profile.v1.Client.display_name"),
      "client.display_name");
  EXPECT_EQ(
      FieldPathIn(Of(pv1::CreateClientRequest()), "clienttier.profile.v1.Demographics.region"),
      "client.demographics.region");
}

TEST(RequestParseErrorsTest, ARepeatedFieldIsMarked) {
  EXPECT_EQ(FieldPathIn(Of(pv1::RecordTransactionsRequest()),
                        "clienttier.profile.v1.TransactionInput.category"),
            "transactions[].category");
}

TEST(RequestParseErrorsTest, AFieldTheRequestCannotHoldIsNotNamed) {
  EXPECT_EQ(FieldPathIn(Of(pv1::GetClientRequest()), "clienttier.profile.v1.Client.display_name"),
            "");
  EXPECT_EQ(FieldPathIn(Of(pv1::GetClientRequest()), "garbage"), "");
}

TEST(RequestParseErrorsTest, TheMessageNamesTheFieldOrSaysTheBytesAreNoMessage) {
  EXPECT_EQ(InvalidRequestMessage("client.display_name"),
            "client.display_name: must be valid UTF-8");
  EXPECT_EQ(InvalidRequestMessage("").rfind("request: not valid protobuf", 0), 0u);
}

// Protobuf reports the field only in its log line; the capture keeps it for this thread.
TEST(RequestParseErrorsTest, ParsingInvalidUtf8CapturesTheFieldName) {
  CaptureInvalidUtf8Fields();
  pv1::Client client;
  client.set_display_name("@@@@");
  std::string bytes = client.SerializeAsString();
  bytes.replace(bytes.find("@@@@"), 4, "\xff\xfe\xfd\xfc");
  pv1::Client parsed;
  EXPECT_FALSE(parsed.ParseFromString(bytes));
  EXPECT_EQ(TakeInvalidUtf8Field(), "clienttier.profile.v1.Client.display_name");
  EXPECT_EQ(TakeInvalidUtf8Field(), "");  // taken once
}

}  // namespace
}  // namespace clienttier
