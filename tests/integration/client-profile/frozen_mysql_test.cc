// A frozen database (mariadbd stopped with SIGSTOP: connections are accepted, nothing answers)
// must show as NOT_SERVING within 3 s, and SERVING again once it answers (issue 19, part 6).
// The service runs over a private mariadbd, never the shared one other tests use.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/integration/client-profile/profile_fixture.h"
#include "tests/support/mariadb_process.h"

namespace clienttier::profile {
namespace {

namespace hv1 = ::grpc::health::v1;
using Clock = std::chrono::steady_clock;

class FrozenMySqlTest : public ProfileFixture {
 protected:
  void SetUp() override {
    mariadb_.Start();
    ProfileFixture::SetUp();
    health_ = hv1::Health::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port_),
                                                       grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    mariadb_.Thaw();  // the service's shutdown needs its database
    ProfileFixture::TearDown();
  }
  MySqlConfig MySqlForService() override {
    return mariadb_.Config(testing::UniqueDatabaseName("profile"));
  }

  hv1::HealthCheckResponse::ServingStatus Health() {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
    hv1::HealthCheckRequest request;
    hv1::HealthCheckResponse response;
    if (!health_->Check(&context, request, &response).ok()) {
      return hv1::HealthCheckResponse::UNKNOWN;
    }
    return response.status();
  }

  // Polls every 50 ms until the status is `wanted`; the time it took, or `limit` plus a bit.
  Clock::duration WaitFor(hv1::HealthCheckResponse::ServingStatus wanted, Clock::duration limit) {
    const Clock::time_point start = Clock::now();
    while (Health() != wanted) {
      if (Clock::now() - start > limit) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return Clock::now() - start;
  }

  testing::MariaDbProcess mariadb_;
  std::unique_ptr<hv1::Health::Stub> health_;
};

TEST_F(FrozenMySqlTest, AFrozenDatabaseIsNotServingWithinThreeSecondsThenServingAgain) {
  ASSERT_LT(WaitFor(hv1::HealthCheckResponse::SERVING, std::chrono::seconds(5)),
            std::chrono::seconds(5));

  mariadb_.Freeze();
  const Clock::duration to_not_serving =
      WaitFor(hv1::HealthCheckResponse::NOT_SERVING, std::chrono::seconds(12));
  EXPECT_LE(std::chrono::duration_cast<std::chrono::milliseconds>(to_not_serving).count(), 3000);
  EXPECT_EQ(Health(), hv1::HealthCheckResponse::NOT_SERVING);

  mariadb_.Thaw();
  const Clock::duration to_serving =
      WaitFor(hv1::HealthCheckResponse::SERVING, std::chrono::seconds(15));
  EXPECT_LE(std::chrono::duration_cast<std::chrono::milliseconds>(to_serving).count(), 15000);
  EXPECT_EQ(Health(), hv1::HealthCheckResponse::SERVING);

  // And it serves: a write goes through.
  CreateClient("after-thaw", writer_a_);
}

// A read the caches cannot answer waits on the frozen database; it gives up at the request's
// deadline with UNAVAILABLE (a dependency is down) instead of running into the deadline.
TEST_F(FrozenMySqlTest, ACacheMissReadAnswersUnavailableAtTheDeadline) {
  ASSERT_LT(WaitFor(hv1::HealthCheckResponse::SERVING, std::chrono::seconds(5)),
            std::chrono::seconds(5));
  mariadb_.Freeze();
  auto context = AsTenantA();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
  v1::GetClientRequest request;
  request.set_client_id("never-cached");
  v1::Client client;
  const grpc::Status status = stub_->GetClient(context.get(), request, &client);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  mariadb_.Thaw();
}

}  // namespace
}  // namespace clienttier::profile
