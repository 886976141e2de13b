#include "tests/integration/scoring/scoring_fixture.h"

#include <chrono>
#include <thread>

#include "common/outbox/outbox.h"
#include "common/outbox/streams.h"
#include "common/time/utc_time.h"

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

pv1::ProfileEvent ScoringFixture::PurchaseEvent(const std::string& client_id, int64_t units) const {
  pv1::ProfileEvent event;
  event.set_event_id(NewEventId());
  event.set_tenant_id(tenant_a_);
  auto* transaction = event.mutable_transaction_recorded()->mutable_transaction();
  transaction->set_transaction_id(NewEventId());
  transaction->set_client_id(client_id);
  transaction->set_kind(pv1::TRANSACTION_KIND_PURCHASE);
  transaction->mutable_amount()->set_units(units);
  transaction->mutable_amount()->set_currency("CNY");
  *transaction->mutable_occurred_at() = ToProtoTimestamp(SystemClock().Now() - kMicrosPerDay);
  return event;
}

void ScoringFixture::PublishProfileEvent(const pv1::ProfileEvent& event) {
  stream_redis_.Command({"XADD", kProfileEventStream, "*", "event_id", event.event_id(), "type",
                         "transaction_recorded", "tenant", event.tenant_id(), "payload",
                         event.SerializeAsString()});
}

}  // namespace clienttier::scoring
