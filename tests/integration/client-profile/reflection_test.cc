// Server reflection on a real service, in both versions tools use (v1 first, then v1alpha):
// it lists every service the server exposes, and every one of them, with each method's request
// and response types, can be described (the health service failed to before).
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/sync_stream.h>

#include <google/protobuf/descriptor.pb.h>

#include <set>
#include <string>
#include <vector>

#include "grpc/reflection/v1/reflection.pb.h"
#include "tests/integration/client-profile/profile_fixture.h"

namespace clienttier::profile {
namespace {

namespace rv1 = ::grpc::reflection::v1;

class ReflectionTest : public ProfileFixture, public ::testing::WithParamInterface<const char*> {
 protected:
  // Sends each request on one reflection stream of the version under test and returns the
  // answers. v1alpha has v1's wire format, so the v1 messages serve for both.
  std::vector<rv1::ServerReflectionResponse> Ask(
      const std::vector<rv1::ServerReflectionRequest>& requests) {
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port_),
                                       grpc::InsecureChannelCredentials());
    const std::string path =
        std::string("/grpc.reflection.") + GetParam() + ".ServerReflection/ServerReflectionInfo";
    const grpc::internal::RpcMethod method(path.c_str(), grpc::internal::RpcMethod::BIDI_STREAMING,
                                           channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    std::unique_ptr<
        grpc::ClientReaderWriter<rv1::ServerReflectionRequest, rv1::ServerReflectionResponse>>
        stream(grpc::internal::ClientReaderWriterFactory<
               rv1::ServerReflectionRequest, rv1::ServerReflectionResponse>::Create(channel.get(),
                                                                                    method,
                                                                                    &context));
    std::vector<rv1::ServerReflectionResponse> answers;
    for (const auto& request : requests) {
      rv1::ServerReflectionResponse answer;
      if (!stream->Write(request) || !stream->Read(&answer)) {
        break;
      }
      answers.push_back(answer);
    }
    stream->WritesDone();
    EXPECT_TRUE(stream->Finish().ok()) << GetParam();
    return answers;
  }

  static rv1::ServerReflectionRequest Symbol(const std::string& name) {
    rv1::ServerReflectionRequest request;
    request.set_file_containing_symbol(name);
    return request;
  }
};

// The symbols declared in a file answer (services, their methods' types, messages).
std::set<std::string> DeclaredSymbols(const rv1::ServerReflectionResponse& answer) {
  std::set<std::string> symbols;
  for (const std::string& bytes : answer.file_descriptor_response().file_descriptor_proto()) {
    google::protobuf::FileDescriptorProto file;
    EXPECT_TRUE(file.ParseFromString(bytes));
    const std::string prefix = file.package().empty() ? "" : file.package() + ".";
    for (const auto& service : file.service()) {
      symbols.insert(prefix + service.name());
    }
    for (const auto& message : file.message_type()) {
      symbols.insert(prefix + message.name());
    }
  }
  return symbols;
}

TEST_P(ReflectionTest, EveryListedServiceAndItsTypesAreDescribable) {
  rv1::ServerReflectionRequest list;
  list.set_list_services("*");
  const auto listed = Ask({list});
  ASSERT_EQ(listed.size(), 1u);
  std::set<std::string> services;
  for (const auto& service : listed[0].list_services_response().service()) {
    services.insert(service.name());
  }
  for (const char* expected :
       {"clienttier.profile.v1.ClientProfileService", "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"}) {
    EXPECT_EQ(services.count(expected), 1u) << GetParam() << " does not list " << expected;
  }
  for (const std::string& service : services) {
    const auto answers = Ask({Symbol(service)});
    ASSERT_EQ(answers.size(), 1u);
    ASSERT_FALSE(answers[0].has_error_response())
        << GetParam() << ": " << service << ": " << answers[0].error_response().error_message();
    // Each method's request and response types are in the answer's files (the file and its
    // imports), so a client can build calls from this one answer.
    const std::set<std::string> symbols = DeclaredSymbols(answers[0]);
    EXPECT_EQ(symbols.count(service), 1u) << service;
    for (const std::string& bytes : answers[0].file_descriptor_response().file_descriptor_proto()) {
      google::protobuf::FileDescriptorProto file;
      ASSERT_TRUE(file.ParseFromString(bytes));
      for (const auto& declared : file.service()) {
        for (const auto& method : declared.method()) {
          EXPECT_EQ(symbols.count(method.input_type().substr(1)), 1u) << method.input_type();
          EXPECT_EQ(symbols.count(method.output_type().substr(1)), 1u) << method.output_type();
        }
      }
    }
  }
}

TEST_P(ReflectionTest, AnUnknownSymbolIsNotFound) {
  const auto answers = Ask({Symbol("clienttier.nothing.v1.Nowhere")});
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].error_response().error_code(),
            static_cast<int32_t>(grpc::StatusCode::NOT_FOUND));
}

INSTANTIATE_TEST_SUITE_P(BothVersions, ReflectionTest, ::testing::Values("v1", "v1alpha"));

}  // namespace
}  // namespace clienttier::profile
