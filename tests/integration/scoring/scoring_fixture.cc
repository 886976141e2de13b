#include "tests/integration/scoring/scoring_fixture.h"

#include <chrono>
#include <thread>

namespace clienttier::scoring {

void ScoringFixture::SetUp() {
  ProfileStackFixture::SetUp();
  scoring_config_.server = server_config(16);
  scoring_config_.mysql = testing::MySqlFromEnv(testing::UniqueDatabaseName("scoring"));
  scoring_config_.mysql.pool_size = 20;
  scoring_config_.redis = testing::RedisFromEnv();
  scoring_config_.relay.poll_interval_ms = 10;
  // A group of its own, from the stream's current end: other tests' history is not replayed.
  scoring_config_.consumer.group = "scoring-test-" + suffix_;
  scoring_config_.consumer.start_id = "$";
  scoring_config_.consumer.consumer_name = "test-consumer";
  scoring_config_.consumer.batch = 500;
  // Entries a "crashed" consumer read and never acknowledged are taken over after 1 s.
  scoring_config_.consumer.claim_idle_ms = 1000;
  AdjustScoringConfig(scoring_config_);
  ScoringApp::Migrate(scoring_config_.mysql);
  scoring_ = std::make_unique<ScoringApp>(scoring_config_);
  scoring_port_ = scoring_->Start();
  stub_ = v1::ScoringService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(scoring_port_), grpc::InsecureChannelCredentials()));
}

void ScoringFixture::TearDown() {
  if (scoring_) {
    scoring_->Stop();
    scoring_.reset();
  }
  ProfileStackFixture::TearDown();
}

v1::Score ScoringFixture::WaitForScore(const std::string& client_id, const std::string& api_key,
                                       const std::function<bool(const v1::Score&)>& ready) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  v1::Score score;
  while (std::chrono::steady_clock::now() < deadline) {
    v1::GetScoreRequest request;
    request.set_client_id(client_id);
    score.Clear();
    if (stub_->GetScore(Context(api_key).get(), request, &score).ok() && ready(score)) {
      return score;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "score of " << client_id
                << " not ready in time; last: " << score.ShortDebugString();
  return score;
}

uint64_t ScoringFixture::Counter(const std::string& name) const {
  return scoring_->metrics().GetCounter(name, "").value();
}

}  // namespace clienttier::scoring
