#include "tests/integration/referral/referral_fixture.h"

#include <chrono>
#include <thread>

namespace clienttier::referral {

void ReferralFixture::SetUp() {
  ProfileStackFixture::SetUp();
  referral_config_.server = server_config(32);
  referral_config_.mysql = testing::MySqlFromEnv(testing::UniqueDatabaseName("referral"));
  referral_config_.mysql.pool_size = 20;
  referral_config_.redis = testing::RedisFromEnv();
  referral_config_.relay.poll_interval_ms = 10;
  // A group of its own, from the stream's current end: other tests' history is not replayed.
  referral_config_.consumer.group = "referral-test-" + suffix_;
  referral_config_.consumer.start_id = "$";
  referral_config_.consumer.consumer_name = "test-consumer";
  referral_config_.consumer.claim_idle_ms = 1000;
  // Rules written by a test apply at once.
  referral_config_.settings.rules_ttl = std::chrono::milliseconds(0);
  ReferralApp::Migrate(referral_config_.mysql);
  referral_ = std::make_unique<ReferralApp>(referral_config_);
  referral_port_ = referral_->Start();
  stub_ = v1::ReferralService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(referral_port_), grpc::InsecureChannelCredentials()));
}

void ReferralFixture::TearDown() {
  if (referral_) {
    referral_->Stop();
    referral_.reset();
  }
  ProfileStackFixture::TearDown();
}

void ReferralFixture::RecordPurchase(const std::string& key, const std::string& client_id,
                                     int64_t units, const std::string& api_key,
                                     int64_t seconds_ago) {
  // The client exists in client-profile (the referee signed up) before it can buy.
  EnsureClient(client_id, api_key);
  pv1::RecordTransactionRequest request;
  auto* input = request.mutable_transaction();
  input->set_idempotency_key(key);
  input->set_client_id(client_id);
  input->set_kind(pv1::TRANSACTION_KIND_PURCHASE);
  input->mutable_amount()->set_units(units);
  input->mutable_amount()->set_currency("CNY");
  input->set_category("counselling");
  input->mutable_occurred_at()->set_seconds(now_seconds_ - seconds_ago);
  pv1::RecordTransactionResponse response;
  const grpc::Status status =
      profile_stub_->RecordTransaction(Context(api_key).get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

std::string ReferralFixture::IssueCode(const std::string& client_id, const std::string& api_key) {
  v1::IssueCodeRequest request;
  request.set_client_id(client_id);
  v1::ReferralCode code;
  const grpc::Status status = stub_->IssueCode(Context(api_key).get(), request, &code);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return code.code();
}

grpc::Status ReferralFixture::Register(const std::string& code, const std::string& referee,
                                       const std::string& api_key, v1::Referral* referral) {
  v1::RegisterReferralRequest request;
  request.set_code(code);
  request.set_referee_client_id(referee);
  v1::Referral response;
  const grpc::Status status = stub_->RegisterReferral(Context(api_key).get(), request, &response);
  if (referral != nullptr) {
    *referral = response;
  }
  return status;
}

v1::Referral ReferralFixture::WaitForConversion(const std::string& referee,
                                                const std::string& api_key) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  v1::Referral referral;
  while (std::chrono::steady_clock::now() < deadline) {
    v1::GetReferralRequest request;
    request.set_referee_client_id(referee);
    referral.Clear();
    if (stub_->GetReferral(Context(api_key).get(), request, &referral).ok() &&
        referral.status() == v1::REFERRAL_STATUS_CONVERTED) {
      return referral;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  ADD_FAILURE() << "referral of " << referee
                << " not converted in time; last: " << referral.ShortDebugString();
  return referral;
}

v1::ListRewardsResponse ReferralFixture::Rewards(const std::string& client_id,
                                                 const std::string& api_key) {
  v1::ListRewardsRequest request;
  request.set_client_id(client_id);
  v1::ListRewardsResponse response;
  const grpc::Status status = stub_->ListRewards(Context(api_key).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

v1::ReferralStats ReferralFixture::Stats(const std::string& client_id, const std::string& api_key) {
  v1::GetReferralStatsRequest request;
  request.set_client_id(client_id);
  v1::ReferralStats response;
  const grpc::Status status = stub_->GetReferralStats(Context(api_key).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

uint64_t ReferralFixture::Counter(const std::string& name) const {
  return referral_->metrics().GetCounter(name, "").value();
}

}  // namespace clienttier::referral
