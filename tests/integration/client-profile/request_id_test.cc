// Every RPC has a request id: the caller's `x-request-id` when it sent a usable one, a new one
// otherwise; answered in the response's initial metadata and written on the RPC's log lines.
#include <regex>
#include <string>

#include "common/observability/request_id.h"
#include "tests/integration/client-profile/profile_fixture.h"

namespace clienttier::profile {
namespace {

using RequestIdTest = ProfileFixture;

std::string AnsweredRequestId(const grpc::ClientContext& context) {
  const auto& metadata = context.GetServerInitialMetadata();
  const auto found = metadata.find(kRequestIdHeader);
  return found == metadata.end() ? "" : std::string(found->second.data(), found->second.size());
}

TEST_F(RequestIdTest, TheCallersIdIsAnsweredAndLogged) {
  CreateClient("c-1", writer_a_);
  v1::GetClientRequest get;
  get.set_client_id("no-such-client");  // a failure, so the runner logs the RPC
  auto context = AsTenantA();
  context->AddMetadata(kRequestIdHeader, "gateway-7f3a.1");
  v1::Client client;
  ::testing::internal::CaptureStderr();
  const grpc::Status status = stub_->GetClient(context.get(), get, &client);
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(AnsweredRequestId(*context), "gateway-7f3a.1");
  EXPECT_NE(log.find("\"request_id\":\"gateway-7f3a.1\""), std::string::npos) << log;
}

TEST_F(RequestIdTest, WithoutAUsableIdTheServerMakesOne) {
  v1::CreateClientRequest create;
  create.mutable_client()->set_client_id("c-2");
  auto first = AsTenantA();
  first->AddMetadata(kRequestIdHeader, "has spaces and \"quotes\"");  // never adopted
  v1::Client client;
  ASSERT_TRUE(stub_->CreateClient(first.get(), create, &client).ok());
  auto second = AsTenantA();
  v1::GetClientRequest get;
  get.set_client_id("c-2");
  ASSERT_TRUE(stub_->GetClient(second.get(), get, &client).ok());
  const std::regex hex32("[0-9a-f]{32}");
  EXPECT_TRUE(std::regex_match(AnsweredRequestId(*first), hex32)) << AnsweredRequestId(*first);
  EXPECT_TRUE(std::regex_match(AnsweredRequestId(*second), hex32)) << AnsweredRequestId(*second);
  EXPECT_NE(AnsweredRequestId(*first), AnsweredRequestId(*second));
}

}  // namespace
}  // namespace clienttier::profile
