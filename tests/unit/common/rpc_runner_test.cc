#include "common/server/rpc_runner.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "tests/support/test_env.h"

namespace clienttier {
namespace {

class RpcRunnerTest : public ::testing::Test {
 protected:
  MetricsRegistry metrics_;
  ApiKeyStore keys_{testing::WriteApiKeysFile("key-a tenant-a writer\n")};
  RpcRunner runner_{"test-service", keys_, metrics_};
  std::string tenant_ = "tenant-a";
};

TEST_F(RpcRunnerTest, DomainErrorsMapThroughTheOneTable) {
  const grpc::Status status =
      runner_.Execute("M", &tenant_, [] { throw InvalidArgument("client_id", "required"); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("client_id"), std::string::npos);
}

TEST_F(RpcRunnerTest, AStandardExceptionIsInternalWithoutItsDetail) {
  const grpc::Status status = runner_.Execute(
      "M", &tenant_, [] { throw std::runtime_error("SELECT secret FROM clients failed"); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(status.error_message(), "internal error");
}

TEST_F(RpcRunnerTest, AnythingElseThrownIsInternalToo) {
  const grpc::Status thrown_int = runner_.Execute("M", &tenant_, [] { throw 42; });
  EXPECT_EQ(thrown_int.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(thrown_int.error_message(), "internal error");
  struct NotAnException {};
  const grpc::Status thrown_struct = runner_.Execute("M", &tenant_, [] { throw NotAnException{}; });
  EXPECT_EQ(thrown_struct.error_code(), grpc::StatusCode::INTERNAL);
}

TEST_F(RpcRunnerTest, ABodyThatReturnsIsOk) {
  bool ran = false;
  EXPECT_TRUE(runner_.Execute("M", &tenant_, [&] { ran = true; }).ok());
  EXPECT_TRUE(ran);
}

}  // namespace
}  // namespace clienttier
