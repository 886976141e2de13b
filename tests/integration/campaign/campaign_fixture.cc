#include "tests/integration/campaign/campaign_fixture.h"

#include <chrono>
#include <thread>

namespace clienttier::campaign {

void CampaignFixture::SetUp() {
  ProfileStackFixture::SetUp();
  scoring_config_.server = server_config(16);
  scoring_config_.mysql = testing::MySqlFromEnv(testing::UniqueDatabaseName("scoring"));
  scoring_config_.redis = testing::RedisFromEnv();
  scoring_config_.relay.poll_interval_ms = 10;
  // Groups of their own, from the streams' current ends: other tests' history is not replayed.
  scoring_config_.consumer.group = "scoring-c-" + suffix_;
  scoring_config_.consumer.start_id = "$";
  scoring_config_.consumer.consumer_name = "test-consumer";
  scoring::ScoringApp::Migrate(scoring_config_.mysql);
  scoring_ = std::make_unique<scoring::ScoringApp>(scoring_config_);
  const int scoring_port = scoring_->Start();
  scoring_stub_ = sv1::ScoringService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(scoring_port), grpc::InsecureChannelCredentials()));

  campaign_config_.server = server_config(16);
  campaign_config_.mysql = testing::MySqlFromEnv(testing::UniqueDatabaseName("campaign"));
  campaign_config_.mysql.pool_size = 12;
  campaign_config_.redis = testing::RedisFromEnv();
  campaign_config_.profile_consumer.group = "campaign-p-" + suffix_;
  campaign_config_.profile_consumer.start_id = "$";
  campaign_config_.profile_consumer.consumer_name = "test-profile";
  campaign_config_.scoring_consumer.group = "campaign-s-" + suffix_;
  campaign_config_.scoring_consumer.start_id = "$";
  campaign_config_.scoring_consumer.consumer_name = "test-scoring";
  campaign_config_.upstream.scoring_target = "127.0.0.1:" + std::to_string(scoring_port);
  campaign_config_.upstream.profile_target = "127.0.0.1:" + std::to_string(profile_port_);
  campaign_config_.upstream.api_key = service_key_;
  CampaignApp::Migrate(campaign_config_.mysql);
  campaign_ = std::make_unique<CampaignApp>(campaign_config_);
  campaign_port_ = campaign_->Start();
  stub_ = v1::CampaignService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(campaign_port_), grpc::InsecureChannelCredentials()));
}

void CampaignFixture::TearDown() {
  if (campaign_) {
    campaign_->Stop();
    campaign_.reset();
  }
  if (scoring_) {
    scoring_->Stop();
    scoring_.reset();
  }
  ProfileStackFixture::TearDown();
}

void CampaignFixture::CreateClient(const TestClient& client, const std::string& api_key) {
  pv1::CreateClientRequest request;
  pv1::Client& input = *request.mutable_client();
  input.set_client_id(client.client_id);
  input.set_display_name("Client " + client.client_id);
  input.mutable_demographics()->set_region(client.region);
  if (client.email_consent) {
    pv1::Consent& consent = *input.add_consents();
    consent.set_channel(common::v1::CONTACT_CHANNEL_EMAIL);
    consent.set_granted(*client.email_consent);
  }
  for (const std::string& tag : client.interest_tags) {
    pv1::Tag& out = *input.add_tags();
    out.set_kind(pv1::TAG_KIND_INTEREST);
    out.set_value(tag);
  }
  pv1::Client created;
  const grpc::Status status =
      profile_stub_->CreateClient(Context(api_key).get(), request, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

void CampaignFixture::WaitForScores(const std::vector<std::string>& client_ids,
                                    const std::string& api_key) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (const std::string& client_id : client_ids) {
    bool scored = false;
    while (!scored && std::chrono::steady_clock::now() < deadline) {
      sv1::GetScoreRequest request;
      request.set_client_id(client_id);
      sv1::Score score;
      scored = scoring_stub_->GetScore(Context(api_key).get(), request, &score).ok() &&
               score.lifetime_purchases() > 0;
      if (!scored) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    ASSERT_TRUE(scored) << client_id << " was not scored in time";
  }
}

v1::SyncMembersResponse CampaignFixture::Sync(const std::string& admin_key) {
  v1::SyncMembersResponse response;
  const grpc::Status status =
      stub_->SyncMembers(Context(admin_key).get(), v1::SyncMembersRequest(), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

v1::SegmentPreview CampaignFixture::WaitForPreview(
    const std::string& rule, const std::string& api_key,
    const std::function<bool(const v1::SegmentPreview&)>& ready) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  v1::SegmentPreview preview;
  while (std::chrono::steady_clock::now() < deadline) {
    v1::PreviewSegmentRequest request;
    request.set_rule(rule);
    request.set_sample_size(100);
    preview.Clear();
    if (stub_->PreviewSegment(Context(api_key).get(), request, &preview).ok() && ready(preview)) {
      return preview;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "preview of " << rule
                << " not ready in time; last: " << preview.ShortDebugString();
  return preview;
}

v1::Segment CampaignFixture::CreateSegment(const std::string& segment_id, const std::string& rule,
                                           const std::string& api_key) {
  v1::CreateSegmentRequest request;
  request.mutable_segment()->set_segment_id(segment_id);
  request.mutable_segment()->set_name("Segment " + segment_id);
  request.mutable_segment()->set_rule(rule);
  v1::Segment segment;
  const grpc::Status status = stub_->CreateSegment(Context(api_key).get(), request, &segment);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return segment;
}

v1::Campaign CampaignFixture::CreateCampaign(const std::string& campaign_id,
                                             const std::string& segment_id, int holdout_bp,
                                             const std::string& api_key,
                                             v1::CampaignTrigger trigger) {
  v1::CreateCampaignRequest request;
  v1::Campaign& input = *request.mutable_campaign();
  input.set_campaign_id(campaign_id);
  input.set_name("Campaign " + campaign_id);
  input.set_segment_id(segment_id);
  input.set_channel(common::v1::CONTACT_CHANNEL_EMAIL);
  input.mutable_offer()->set_text("A free workshop seat");
  input.mutable_schedule()->mutable_start_at()->set_seconds(now_seconds_ - 60);
  input.set_holdout_bp(holdout_bp);
  input.set_trigger(trigger);
  v1::Campaign campaign;
  const grpc::Status status = stub_->CreateCampaign(Context(api_key).get(), request, &campaign);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return campaign;
}

v1::Campaign CampaignFixture::Launch(const std::string& campaign_id, const std::string& api_key) {
  v1::LaunchCampaignRequest request;
  request.set_campaign_id(campaign_id);
  v1::Campaign campaign;
  const grpc::Status status = stub_->LaunchCampaign(Context(api_key).get(), request, &campaign);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return campaign;
}

void CampaignFixture::PutSettings(const std::vector<std::pair<int, int>>& caps,
                                  const std::string& welcome, const std::string& retention) {
  v1::PutCampaignSettingsRequest request;
  for (const auto& [max_contacts, window_days] : caps) {
    v1::FrequencyCap& cap = *request.mutable_settings()->add_caps();
    cap.set_max_contacts(max_contacts);
    cap.set_window_days(window_days);
  }
  request.mutable_settings()->set_welcome_campaign_id(welcome);
  request.mutable_settings()->set_retention_campaign_id(retention);
  request.mutable_settings()->set_currency("CNY");
  request.set_expected_version(settings_version_);
  v1::CampaignSettings settings;
  const grpc::Status status =
      stub_->PutCampaignSettings(Context(admin_a_).get(), request, &settings);
  ASSERT_TRUE(status.ok()) << status.error_message();
  settings_version_ = settings.version();
}

grpc::Status CampaignFixture::Outcome(const std::string& campaign_id, const std::string& client_id,
                                      const std::string& key, bool converted, int64_t revenue_units,
                                      const std::string& api_key,
                                      v1::RecordOutcomeResponse* response) {
  v1::RecordOutcomeRequest request;
  request.set_campaign_id(campaign_id);
  request.set_client_id(client_id);
  request.set_idempotency_key(key);
  request.set_converted(converted);
  request.mutable_revenue()->set_units(revenue_units);
  request.mutable_revenue()->set_currency("CNY");
  return stub_->RecordOutcome(Context(api_key).get(), request, response);
}

v1::AudienceGroup CampaignFixture::GroupOf(const std::string& campaign_id,
                                           const std::string& client_id,
                                           const std::string& api_key) {
  v1::RecordOutcomeResponse response;
  const grpc::Status status =
      Outcome(campaign_id, client_id, "probe-" + client_id, false, 0, api_key, &response);
  EXPECT_TRUE(status.ok()) << client_id << ": " << status.error_message();
  return response.group();
}

}  // namespace clienttier::campaign
