#include "common/server/rpc_runner.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "grpc/health/v1/health.grpc.pb.h"
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

namespace hv1 = ::grpc::health::v1;

// A health service whose Check always takes the slow path, which waits until the test releases
// it, then keeps what it read from the request.
class HeldReads : public hv1::Health::CallbackService {
 public:
  explicit HeldReads(RpcRunner& runner) : runner_(runner) {}
  ~HeldReads() override { workers_.Stop(); }

  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context,
                                  const hv1::HealthCheckRequest* request,
                                  hv1::HealthCheckResponse* response) override {
    return runner_.RunUnaryRead<hv1::HealthCheckRequest, hv1::HealthCheckResponse>(
        context, "Check", Role::kReader, workers_, *request, response,
        [](const Caller&) { return false; },
        [this](const Caller&, const hv1::HealthCheckRequest& copy) {
          std::unique_lock<std::mutex> lock(mutex_);
          changed_.wait(lock, [this] { return released_; });
          try {
            seen_ = copy.service();                // read after the caller has had its answer
          } catch (const std::exception& error) {  // a freed request can read as any length
            seen_ = std::string("threw: ") + error.what();
          }
          done_ = true;
          changed_.notify_all();
          hv1::HealthCheckResponse late;
          late.set_status(hv1::HealthCheckResponse::SERVING);
          return late;
        });
  }

  // Lets the held read go on and returns what it read from the request.
  std::string ReleaseAndWait() {
    std::unique_lock<std::mutex> lock(mutex_);
    released_ = true;
    changed_.notify_all();
    if (!changed_.wait_for(lock, std::chrono::seconds(10), [this] { return done_; })) {
      return "the held read never finished";
    }
    return seen_;
  }

 private:
  RpcRunner& runner_;
  WorkerPool workers_{1, 4};
  std::mutex mutex_;
  std::condition_variable changed_;
  bool released_ = false;
  bool done_ = false;
  std::string seen_;
};

// The caller gets UNAVAILABLE at its deadline while the worker still waits (as on a frozen
// database); gRPC then frees the request, and what the worker reads afterwards must be its own
// copy (reading gRPC's crashed the frozen-database test in CI).
TEST_F(RpcRunnerTest, AReadPastItsDeadlineAnswersUnavailableAndTheWorkerKeepsTheRequest) {
  HeldReads service(runner_);
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(port, 0);
  auto stub = hv1::Health::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));

  const std::string name(200, 'n');  // longer than any small-string buffer
  grpc::ClientContext context;
  context.AddMetadata("x-api-key", "key-a");
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
  hv1::HealthCheckRequest request;
  request.set_service(name);
  hv1::HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();

  // More calls reuse what gRPC freed, then the held worker reads the request.
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext other;
    other.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(100));
    hv1::HealthCheckRequest overwrite;
    overwrite.set_service(std::string(200, 'x'));
    stub->Check(&other, overwrite, &response);
  }
  EXPECT_EQ(service.ReleaseAndWait(), name);
  server->Shutdown();
}

}  // namespace
}  // namespace clienttier
