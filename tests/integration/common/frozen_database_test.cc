// A frozen database (mariadbd stopped with SIGSTOP: connections are accepted, nothing answers)
// in scoring, referral and campaign (issue 19 part 6; client-profile has its own test): health
// shows NOT_SERVING within 3 s and SERVING again once it is thawed, and a cache-miss read
// (GetScore) gives up at the request's deadline with UNAVAILABLE instead of hanging past it.
// Each service runs over a private mariadbd, never the shared one other tests use.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "clienttier/scoring/v1/scoring_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/campaign/campaign_app.h"
#include "services/referral/referral_app.h"
#include "services/scoring/scoring_app.h"
#include "tests/support/mariadb_process.h"
#include "tests/support/profile_stack_fixture.h"
#include "tests/support/test_env.h"

namespace clienttier {
namespace {

namespace hv1 = ::grpc::health::v1;
using Clock = std::chrono::steady_clock;

class FrozenDatabaseTest : public testing::ProfileStackFixture {
 protected:
  void SetUp() override {
    mariadb_.Start();
    ProfileStackFixture::SetUp();
  }
  void TearDown() override {
    mariadb_.Thaw();  // the service's shutdown needs its database
    if (scoring_) {
      scoring_->Stop();
    }
    if (referral_) {
      referral_->Stop();
    }
    if (campaign_) {
      campaign_->Stop();
    }
    ProfileStackFixture::TearDown();
  }

  MySqlConfig PrivateMySql(const std::string& prefix) const {
    MySqlConfig config = mariadb_.Config(testing::UniqueDatabaseName(prefix));
    config.pool_size = 20;
    return config;
  }

  int StartScoring() {
    scoring::ScoringAppConfig config;
    config.server = server_config(16);
    config.mysql = PrivateMySql("scoring");
    config.redis = testing::RedisFromEnv();
    config.consumer.group = "frozen-" + suffix_;
    config.consumer.start_id = "$";
    scoring::ScoringApp::Migrate(config.mysql);
    scoring_ = std::make_unique<scoring::ScoringApp>(config);
    return scoring_->Start();
  }
  int StartReferral() {
    referral::ReferralAppConfig config;
    config.server = server_config(16);
    config.mysql = PrivateMySql("referral");
    config.redis = testing::RedisFromEnv();
    config.consumer.group = "frozen-" + suffix_;
    config.consumer.start_id = "$";
    referral::ReferralApp::Migrate(config.mysql);
    referral_ = std::make_unique<referral::ReferralApp>(config);
    return referral_->Start();
  }
  int StartCampaign() {
    campaign::CampaignAppConfig config;
    config.server = server_config(16);
    config.mysql = PrivateMySql("campaign");
    config.redis = testing::RedisFromEnv();
    config.profile_consumer.group = "frozen-p-" + suffix_;
    config.profile_consumer.start_id = "$";
    config.scoring_consumer.group = "frozen-s-" + suffix_;
    config.scoring_consumer.start_id = "$";
    campaign::CampaignApp::Migrate(config.mysql);
    campaign_ = std::make_unique<campaign::CampaignApp>(config);
    return campaign_->Start();
  }

  static std::shared_ptr<grpc::Channel> ChannelTo(int port) {
    return grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                               grpc::InsecureChannelCredentials());
  }

  static hv1::HealthCheckResponse::ServingStatus Health(int port) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
    hv1::HealthCheckRequest request;
    hv1::HealthCheckResponse response;
    if (!hv1::Health::NewStub(ChannelTo(port))->Check(&context, request, &response).ok()) {
      return hv1::HealthCheckResponse::UNKNOWN;
    }
    return response.status();
  }

  // Polls every 50 ms until the status is `wanted`; the time it took, or `limit` plus a bit.
  static Clock::duration WaitFor(int port, hv1::HealthCheckResponse::ServingStatus wanted,
                                 Clock::duration limit) {
    const Clock::time_point start = Clock::now();
    while (Health(port) != wanted && Clock::now() - start <= limit) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return Clock::now() - start;
  }

  // Serving; frozen: NOT_SERVING within 3 s; `while_frozen`; thawed: SERVING again.
  void ExpectHealthFollowsTheDatabase(int port, const std::function<void()>& while_frozen = {}) {
    ASSERT_LT(WaitFor(port, hv1::HealthCheckResponse::SERVING, std::chrono::seconds(5)),
              std::chrono::seconds(5));
    mariadb_.Freeze();
    const Clock::duration to_not_serving =
        WaitFor(port, hv1::HealthCheckResponse::NOT_SERVING, std::chrono::seconds(12));
    EXPECT_LE(std::chrono::duration_cast<std::chrono::milliseconds>(to_not_serving).count(), 3000);
    EXPECT_EQ(Health(port), hv1::HealthCheckResponse::NOT_SERVING);
    if (while_frozen) {
      while_frozen();
    }
    mariadb_.Thaw();
    WaitFor(port, hv1::HealthCheckResponse::SERVING, std::chrono::seconds(15));
    EXPECT_EQ(Health(port), hv1::HealthCheckResponse::SERVING);
  }

  testing::MariaDbProcess mariadb_;
  std::unique_ptr<scoring::ScoringApp> scoring_;
  std::unique_ptr<referral::ReferralApp> referral_;
  std::unique_ptr<campaign::CampaignApp> campaign_;
};

TEST_F(FrozenDatabaseTest, ScoringIsNotServingAndACacheMissAnswersUnavailableAtTheDeadline) {
  const int port = StartScoring();
  auto stub = scoring::v1::ScoringService::NewStub(ChannelTo(port));
  ExpectHealthFollowsTheDatabase(port, [&] {
    // No score of this client is cached anywhere: the read waits on the frozen database.
    grpc::ClientContext context;
    context.AddMetadata("x-api-key", reader_a_);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
    scoring::v1::GetScoreRequest request;
    request.set_client_id("never-scored");
    scoring::v1::Score score;
    const grpc::Status status = stub->GetScore(&context, request, &score);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  });
  // Thawed, the same read answers from the database again.
  grpc::ClientContext context;
  context.AddMetadata("x-api-key", reader_a_);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(15));
  scoring::v1::GetScoreRequest request;
  request.set_client_id("never-scored");
  scoring::v1::Score score;
  EXPECT_EQ(stub->GetScore(&context, request, &score).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(FrozenDatabaseTest, ReferralIsNotServingWithinThreeSeconds) {
  ExpectHealthFollowsTheDatabase(StartReferral());
}

TEST_F(FrozenDatabaseTest, CampaignIsNotServingWithinThreeSeconds) {
  ExpectHealthFollowsTheDatabase(StartCampaign());
}

}  // namespace
}  // namespace clienttier
