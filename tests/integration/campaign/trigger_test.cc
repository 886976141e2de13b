// Campaign's event paths on the real stack: ct:events:scoring triggers and ct:events:profile
// consents and erasures, and the next best action.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "common/outbox/outbox.h"
#include "common/redis/redis_client.h"
#include "tests/integration/campaign/campaign_fixture.h"

namespace clienttier::campaign {
namespace {

class CampaignTriggerTest : public CampaignFixture {
 protected:
  // Polls GetCampaign (bounded, 15 s) until `ready` holds.
  v1::Campaign WaitForCampaign(const std::string& campaign_id,
                               const std::function<bool(const v1::Campaign&)>& ready) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    v1::Campaign campaign;
    while (std::chrono::steady_clock::now() < deadline) {
      v1::GetCampaignRequest request;
      request.set_campaign_id(campaign_id);
      campaign.Clear();
      if (stub_->GetCampaign(Context(reader_a_).get(), request, &campaign).ok() &&
          ready(campaign)) {
        return campaign;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << campaign_id << " not ready in time; last: " << campaign.ShortDebugString();
    return campaign;
  }

  sv1::Score ScoreOf(const std::string& client_id) {
    sv1::GetScoreRequest request;
    request.set_client_id(client_id);
    sv1::Score score;
    EXPECT_TRUE(scoring_stub_->GetScore(Context(reader_a_).get(), request, &score).ok());
    return score;
  }
};

TEST_F(CampaignTriggerTest, AClientMovingToT1EntersTheWelcomeCampaignWithConsentOnly) {
  CreateClient({"vip-1", true, "east", {}}, writer_a_);
  CreateClient({"vip-2", false, "east", {}}, writer_a_);
  CreateClient({"other", true, "east", {}}, writer_a_);
  for (const char* id : {"vip-1", "vip-2", "other"}) {
    RecordPurchase(std::string("p-") + id, id, 5000, 2, writer_a_);
  }
  WaitForScores({"vip-1", "vip-2", "other"}, reader_a_);
  ASSERT_NE(ScoreOf("vip-1").tier(), sv1::TIER_T1) << "the test needs a client below T1";
  Sync(admin_a_);
  CreateSegment("top", "tier = \"T1\"", writer_a_);
  CreateCampaign("welcome", "top", 0, writer_a_, v1::CAMPAIGN_TRIGGER_WELCOME_T1);
  const v1::Campaign launched = Launch("welcome", writer_a_);
  EXPECT_EQ(launched.audience().treatment(), 0);
  PutSettings({{2, 7}}, "welcome", "");

  // A counsellor fixes both at T1: scoring publishes tier_changed, campaign enters them.
  for (const char* id : {"vip-1", "vip-2"}) {
    sv1::SetTierOverrideRequest request;
    request.set_client_id(id);
    request.mutable_override()->set_mode(sv1::TierOverride::MODE_FIXED);
    request.mutable_override()->set_tier(sv1::TIER_T1);
    request.mutable_override()->set_reason("board member");
    request.mutable_override()->mutable_expires_at()->set_seconds(now_seconds_ + 86400 * 30);
    sv1::Score score;
    const grpc::Status status =
        scoring_stub_->SetTierOverride(Context(admin_a_).get(), request, &score);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(score.tier(), sv1::TIER_T1);
  }
  const v1::Campaign entered = WaitForCampaign("welcome", [](const v1::Campaign& c) {
    return c.audience().treatment() + c.audience().excluded_no_consent() == 2;
  });
  EXPECT_EQ(entered.audience().treatment(), 1);
  EXPECT_EQ(entered.audience().excluded_no_consent(), 1);
  v1::RecordOutcomeResponse response;
  EXPECT_TRUE(Outcome("welcome", "vip-1", "o1", true, 100, writer_a_, &response).ok());
  EXPECT_EQ(Outcome("welcome", "vip-2", "o2", true, 100, writer_a_, &response).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Outcome("welcome", "other", "o3", true, 100, writer_a_, &response).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(CampaignTriggerTest, AChurnWarningFeedsTheRetentionCampaignOnceWithinTheCaps) {
  CreateClient({"loyal-1", true, "east", {}}, writer_a_);
  RecordPurchase("p-loyal-1", "loyal-1", 9000, 3, writer_a_);
  WaitForScores({"loyal-1"}, reader_a_);
  Sync(admin_a_);
  CreateSegment("everyone", "lifetime_purchases >= 1", writer_a_);
  CreateCampaign("retain", "everyone", 0, writer_a_, v1::CAMPAIGN_TRIGGER_CHURN_WARNING);
  CreateCampaign("newsletter", "everyone", 0, writer_a_);
  PutSettings({{1, 7}}, "", "retain");
  // The newsletter spends loyal-1's one contact in 7 days, so the retention launch caps it.
  Launch("newsletter", writer_a_);
  const v1::Campaign retain = Launch("retain", writer_a_);
  EXPECT_EQ(retain.audience().excluded_frequency_cap(), 1);
  EXPECT_EQ(retain.audience().treatment(), 0);

  // A churn warning as scoring publishes it, on the real stream.
  auto publish_warning = [&](const std::string& event_id) {
    sv1::ScoringEvent event;
    event.set_event_id(event_id);
    event.set_tenant_id(tenant_a_);
    *event.mutable_occurred_at() = ToProtoTimestamp(now_seconds_ * kMicrosPerSecond);
    sv1::ChurnWarning& warning = *event.mutable_churn_warning();
    warning.set_client_id("loyal-1");
    warning.set_tier(sv1::TIER_T2);
    warning.set_reason("no visit in 60 days");
    *warning.mutable_score() = ScoreOf("loyal-1");
    warning.mutable_score()->set_churn_warning(true);
    RedisClient redis(testing::RedisFromEnv(), nullptr);
    redis.Command({"XADD", "ct:events:scoring", "*", "event_id", event_id, "type", "churn_warning",
                   "tenant", tenant_a_, "payload", event.SerializeAsString()});
  };

  const std::string first_event = NewEventId();
  publish_warning(first_event);
  // The trigger entry is decided like a launch: still capped.
  WaitForCampaign("retain",
                  [](const v1::Campaign& c) { return c.audience().excluded_frequency_cap() == 2; });
  // The same event delivered again changes nothing.
  publish_warning(first_event);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(WaitForCampaign("retain", [](const v1::Campaign&) { return true; })
                .audience()
                .excluded_frequency_cap(),
            2);

  // With room under the caps, a new warning enters the client.
  PutSettings({{5, 7}}, "", "retain");
  publish_warning(NewEventId());
  const v1::Campaign entered = WaitForCampaign(
      "retain", [](const v1::Campaign& c) { return c.audience().treatment() == 1; });
  EXPECT_EQ(entered.audience().excluded_frequency_cap(), 2);
}

TEST_F(CampaignTriggerTest, ConsentWithdrawalAndErasureReachCampaignThroughEvents) {
  CreateClient({"e-1", true, "isle", {}}, writer_a_);
  CreateClient({"e-2", true, "isle", {}}, writer_a_);
  CreateClient({"e-3", true, "isle", {}}, writer_a_);
  const std::string rule = "region = \"isle\"";
  WaitForPreview(rule, reader_a_, [](const v1::SegmentPreview& p) { return p.members() == 3; });
  CreateSegment("isle", rule, writer_a_);
  CreateCampaign("isle-news", "isle", 0, writer_a_);

  // e-1 withdraws email consent; e-2 is erased.
  pv1::GetClientRequest get;
  get.set_client_id("e-1");
  pv1::Client client;
  ASSERT_TRUE(profile_stub_->GetClient(Context(reader_a_).get(), get, &client).ok());
  pv1::UpdateClientRequest update;
  update.mutable_client()->set_client_id("e-1");
  pv1::Consent& consent = *update.mutable_client()->add_consents();
  consent.set_channel(common::v1::CONTACT_CHANNEL_EMAIL);
  consent.set_granted(false);
  update.set_expected_version(client.version());
  update.mutable_update_mask()->add_paths("consents");
  ASSERT_TRUE(profile_stub_->UpdateClient(Context(writer_a_).get(), update, &client).ok());
  pv1::EraseClientRequest erase;
  erase.set_client_id("e-2");
  erase.set_reason("client request");
  ASSERT_TRUE(profile_stub_->EraseClient(Context(admin_a_).get(), erase, &client).ok());

  WaitForPreview(rule, reader_a_, [](const v1::SegmentPreview& p) { return p.members() == 2; });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  v1::AudienceSummary simulated;
  while (std::chrono::steady_clock::now() < deadline) {
    v1::SimulateCampaignRequest request;
    request.set_campaign_id("isle-news");
    ASSERT_TRUE(stub_->SimulateCampaign(Context(reader_a_).get(), request, &simulated).ok());
    if (simulated.excluded_no_consent() == 1) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(simulated.candidates(), 2);  // e-2 is in no segment any more
  EXPECT_EQ(simulated.excluded_no_consent(), 1);
  EXPECT_EQ(simulated.treatment(), 1);

  v1::GetNextBestActionRequest action;
  action.set_client_id("e-2");
  v1::NextBestAction next;
  EXPECT_EQ(stub_->GetNextBestAction(Context(reader_a_).get(), action, &next).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(CampaignTriggerTest, NextBestActionFollowsThePlaybookAndShowsItsData) {
  CreateClient({"new-1", true, "north", {"mindfulness"}}, writer_a_);
  CreateClient({"quiet-1", false, "north", {"mindfulness"}}, writer_a_);
  RecordPurchase("p-new-1", "new-1", 20000, 1, writer_a_);
  RecordPurchase("p-quiet-1", "quiet-1", 20000, 1, writer_a_);
  WaitForScores({"new-1", "quiet-1"}, reader_a_);
  Sync(admin_a_);

  v1::GetNextBestActionRequest request;
  request.set_client_id("new-1");
  v1::NextBestAction action;
  ASSERT_TRUE(stub_->GetNextBestAction(Context(reader_a_).get(), request, &action).ok());
  const sv1::Score score = ScoreOf("new-1");
  ASSERT_EQ(score.lifecycle(), sv1::LIFECYCLE_STAGE_ONBOARDING)
      << "a client whose first purchase was yesterday is onboarding";
  EXPECT_EQ(action.action(), "welcome_follow_up");
  bool shows_lifecycle = false;
  for (const v1::Evidence& evidence : action.evidence()) {
    shows_lifecycle |= evidence.key() == "lifecycle" && evidence.value() == "onboarding";
  }
  EXPECT_TRUE(shows_lifecycle) << action.ShortDebugString();

  request.set_client_id("quiet-1");
  ASSERT_TRUE(stub_->GetNextBestAction(Context(reader_a_).get(), request, &action).ok());
  EXPECT_EQ(action.action(), "respect_quiet") << "no marketing consent on any channel";
}

}  // namespace
}  // namespace clienttier::campaign
