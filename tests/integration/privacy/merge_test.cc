// Issue 18 part 5 on the four real services: MergeClients moves a duplicate's purchases,
// consents, campaign placement and referral onto the survivor, scoring rescores the survivor
// with both records' spend, a retry changes nothing, a self-referral the merge made earns no
// reward, and erasing the survivor afterwards leaves nothing of the duplicate's personal data.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>

#include "clienttier/referral/v1/referral_service.grpc.pb.h"
#include "common/db/sql_helpers.h"
#include "services/referral/referral_app.h"
#include "tests/integration/campaign/campaign_fixture.h"
#include "tests/support/personal_data_search.h"

namespace clienttier::campaign {
namespace {

namespace rv1 = ::clienttier::referral::v1;
namespace cv1 = ::clienttier::common::v1;

class MergeTest : public CampaignFixture {
 protected:
  void SetUp() override {
    CampaignFixture::SetUp();
    referral_config_.server = server_config(16);
    referral_config_.mysql = testing::MySqlFromEnv(testing::UniqueDatabaseName("referral"));
    referral_config_.redis = testing::RedisFromEnv();
    referral_config_.relay.poll_interval_ms = 10;
    referral_config_.consumer.group = "referral-merge-" + suffix_;
    referral_config_.consumer.start_id = "$";
    referral_config_.consumer.consumer_name = "test-consumer";
    referral::ReferralApp::Migrate(referral_config_.mysql);
    referral_ = std::make_unique<referral::ReferralApp>(referral_config_);
    referral_port_ = referral_->Start();
    referral_stub_ = rv1::ReferralService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(referral_port_), grpc::InsecureChannelCredentials()));
    std::string token = suffix_;
    std::replace(token.begin(), token.end(), '_', 'x');
    survivor_ = "merge-s-" + token;
    duplicate_ = "merge-d-" + token;
    name_ = "Ottoline Marchbanks-Quell " + token;
    email_ = "ottoline." + token + "@merge-test.example";
  }
  void TearDown() override {
    if (referral_) {
      referral_->Stop();
      referral_.reset();
    }
    CampaignFixture::TearDown();
  }

  void Create(const std::string& client_id, bool sms_consent, const std::string& name,
              const std::string& email) {
    pv1::CreateClientRequest request;
    pv1::Client& client = *request.mutable_client();
    client.set_client_id(client_id);
    client.set_display_name(name);
    client.set_email(email);
    pv1::Consent* consent = client.add_consents();
    consent->set_channel(cv1::CONTACT_CHANNEL_EMAIL);
    consent->set_granted(true);
    consent = client.add_consents();
    consent->set_channel(cv1::CONTACT_CHANNEL_SMS);
    consent->set_granted(sms_consent);
    pv1::Tag* tag = client.add_tags();
    tag->set_kind(pv1::TAG_KIND_INTEREST);
    tag->set_value("merge-" + suffix_.substr(0, suffix_.find('_')));
    pv1::Client created;
    const grpc::Status status =
        profile_stub_->CreateClient(Context(writer_a_).get(), request, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status Merge(const std::string& survivor, const std::string& duplicate,
                     const std::string& key, pv1::MergeClientsResponse* response) {
    pv1::MergeClientsRequest request;
    request.set_survivor_client_id(survivor);
    request.set_duplicate_client_id(duplicate);
    return profile_stub_->MergeClients(Context(key).get(), request, response);
  }

  // Polls (bounded, 20 s) until `done` holds.
  static bool Eventually(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return done();
  }

  grpc::Status Score(const std::string& client_id, sv1::Score* score) {
    sv1::GetScoreRequest request;
    request.set_client_id(client_id);
    return scoring_stub_->GetScore(Context(reader_a_).get(), request, score);
  }

  int64_t CountRows(const MySqlConfig& mysql, const std::string& sql,
                    const std::vector<std::string>& parameters) {
    MySqlPool pool(mysql, nullptr);
    int64_t count = 0;
    pool.WithConnection([&](sql::Connection& connection) {
      auto select = Prepare(connection, sql);
      unsigned index = 1;
      for (const std::string& parameter : parameters) {
        select->setString(index++, parameter);
      }
      auto rows = Query(*select);
      count = rows->next() ? rows->getInt64(1) : 0;
    });
    return count;
  }

  referral::ReferralAppConfig referral_config_;
  std::unique_ptr<referral::ReferralApp> referral_;
  std::unique_ptr<rv1::ReferralService::Stub> referral_stub_;
  int referral_port_ = 0;
  std::string survivor_;
  std::string duplicate_;
  std::string name_;
  std::string email_;
};

TEST_F(MergeTest, TheDuplicateFoldsIntoTheSurvivorInEveryServiceOnce) {
  // The survivor: no name, SMS granted. The duplicate: the person's name and email, SMS refused.
  Create(survivor_, true, "", "");
  Create(duplicate_, false, name_, email_);
  // The duplicate invited the survivor (as if a friend): after the merge, a self-referral.
  rv1::IssueCodeRequest issue;
  issue.set_client_id(duplicate_);
  rv1::ReferralCode code;
  grpc::Status status = referral_stub_->IssueCode(Context(writer_a_).get(), issue, &code);
  ASSERT_TRUE(status.ok()) << status.error_message();
  rv1::RegisterReferralRequest register_request;
  register_request.set_code(code.code());
  register_request.set_referee_client_id(survivor_);
  rv1::Referral registered;
  status =
      referral_stub_->RegisterReferral(Context(writer_a_).get(), register_request, &registered);
  ASSERT_TRUE(status.ok()) << status.error_message();
  RecordPurchase("merge-p1-" + suffix_, duplicate_, 30000, 20, writer_a_);
  // A free session: the survivor is scored, and referral does not count it (no conversion).
  RecordPurchase("merge-p0-" + suffix_, survivor_, 0, 10, writer_a_);
  WaitForScores({duplicate_, survivor_}, reader_a_);

  // Both placed in a campaign.
  const std::string rule = "has_tag(\"merge-" + suffix_.substr(0, suffix_.find('_')) + "\")";
  WaitForPreview(rule, reader_a_,
                 [](const v1::SegmentPreview& preview) { return preview.members() == 2; });
  CreateSegment("merge-seg", rule, writer_a_);
  CreateCampaign("merge-camp", "merge-seg", 0, writer_a_);
  const v1::Campaign launched = Launch("merge-camp", writer_a_);
  ASSERT_EQ(launched.audience().treatment(), 2);

  // Admin only; never a client into itself.
  pv1::MergeClientsResponse merged;
  EXPECT_EQ(Merge(survivor_, duplicate_, writer_a_, &merged).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  const grpc::Status self = Merge(survivor_, survivor_, admin_a_, &merged);
  EXPECT_EQ(self.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(self.error_message().find("duplicate_client_id"), std::string::npos);

  status = Merge(survivor_, duplicate_, admin_a_, &merged);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(merged.already_merged());
  EXPECT_EQ(merged.survivor().display_name(), name_);  // filled from the duplicate
  EXPECT_EQ(merged.duplicate().merged_into(), survivor_);
  bool sms_granted = true;
  for (const pv1::Consent& consent : merged.survivor().consents()) {
    if (consent.channel() == cv1::CONTACT_CHANNEL_SMS) {
      sms_granted = consent.granted();
    }
  }
  EXPECT_FALSE(sms_granted);  // the duplicate's refusal wins

  // A retry: the same pair, nothing moved twice. Merging into the tombstone: refused.
  pv1::MergeClientsResponse again;
  ASSERT_TRUE(Merge(survivor_, duplicate_, admin_a_, &again).ok());
  EXPECT_TRUE(again.already_merged());
  EXPECT_EQ(again.survivor().version(), merged.survivor().version());
  const grpc::Status into_tombstone = Merge(duplicate_, survivor_, admin_a_, &again);
  EXPECT_EQ(into_tombstone.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(into_tombstone.error_message().find("merged into"), std::string::npos);

  // GetClient on the duplicate names the survivor; its purchase is the survivor's now.
  pv1::GetClientRequest get;
  get.set_client_id(duplicate_);
  pv1::Client tombstone;
  ASSERT_TRUE(profile_stub_->GetClient(Context(reader_a_).get(), get, &tombstone).ok());
  EXPECT_TRUE(tombstone.erased());
  EXPECT_EQ(tombstone.merged_into(), survivor_);
  EXPECT_TRUE(tombstone.display_name().empty());
  pv1::GetActivitySummaryRequest summary_request;
  summary_request.set_client_id(survivor_);
  pv1::ActivitySummary summary;
  ASSERT_TRUE(
      profile_stub_->GetActivitySummary(Context(reader_a_).get(), summary_request, &summary).ok());
  EXPECT_EQ(summary.purchase_count(), 2);
  // The survivor's consent history has the duplicate's entries and the merge's change.
  pv1::ListConsentHistoryRequest history_request;
  history_request.set_client_id(survivor_);
  pv1::ListConsentHistoryResponse history;
  ASSERT_TRUE(
      profile_stub_->ListConsentHistory(Context(reader_a_).get(), history_request, &history).ok());
  int merge_entries = 0;
  for (const pv1::ConsentChange& change : history.changes()) {
    merge_entries += change.source() == pv1::CONSENT_CHANGE_SOURCE_MERGE_CLIENTS ? 1 : 0;
  }
  EXPECT_EQ(merge_entries, 1);                   // SMS: granted -> not granted
  EXPECT_EQ(history.changes_size(), 2 + 2 + 1);  // both creations' two consents, the merge
  // Recording for the tombstone is refused.
  pv1::RecordTransactionRequest late;
  late.mutable_transaction()->set_idempotency_key("merge-late-" + suffix_);
  late.mutable_transaction()->set_client_id(duplicate_);
  late.mutable_transaction()->set_kind(pv1::TRANSACTION_KIND_PURCHASE);
  late.mutable_transaction()->mutable_amount()->set_units(100);
  late.mutable_transaction()->mutable_amount()->set_currency("CNY");
  late.mutable_transaction()->mutable_occurred_at()->set_seconds(now_seconds_ - 60);
  pv1::RecordTransactionResponse late_response;
  EXPECT_EQ(
      profile_stub_->RecordTransaction(Context(writer_a_).get(), late, &late_response).error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);

  // Scoring: the survivor carries the duplicate's spend, once; the duplicate has no score.
  EXPECT_TRUE(Eventually([&] {
    sv1::Score score;
    return Score(survivor_, &score).ok() && score.lifetime_spend().units() == 30000;
  })) << "the survivor was not rescored with the duplicate's spend";
  sv1::Score gone;
  EXPECT_TRUE(Eventually(
      [&] { return Score(duplicate_, &gone).error_code() == grpc::StatusCode::NOT_FOUND; }));

  // Campaign: one placement for the person, on the survivor.
  const std::string placed =
      "SELECT COUNT(*) FROM audience WHERE tenant_id = ? AND campaign_id = 'merge-camp' AND "
      "client_id = ?";
  EXPECT_TRUE(Eventually([&] {
    return CountRows(campaign_config_.mysql, placed, {tenant_a_, duplicate_}) == 0;
  }));
  EXPECT_EQ(CountRows(campaign_config_.mysql, placed, {tenant_a_, survivor_}), 1);

  // Referral: the self-referral is gone, so the survivor's purchase earns nobody a reward; the
  // duplicate's code is the survivor's.
  rv1::GetReferralRequest referral_request;
  referral_request.set_referee_client_id(survivor_);
  rv1::Referral referral;
  EXPECT_TRUE(Eventually([&] {
    return referral_stub_->GetReferral(Context(reader_a_).get(), referral_request, &referral)
               .error_code() == grpc::StatusCode::NOT_FOUND;
  }));
  EXPECT_EQ(CountRows(referral_config_.mysql,
                      "SELECT COUNT(*) FROM referral_codes WHERE tenant_id = ? AND client_id = ?",
                      {tenant_a_, survivor_}),
            1);
  RecordPurchase("merge-p2-" + suffix_, survivor_, 50000, 1, writer_a_);
  EXPECT_TRUE(Eventually([&] {
    sv1::Score score;
    return Score(survivor_, &score).ok() && score.lifetime_spend().units() == 80000;
  }));
  EXPECT_EQ(CountRows(referral_config_.mysql, "SELECT COUNT(*) FROM rewards WHERE tenant_id = ?",
                      {tenant_a_}),
            0);

  // Erasing the survivor erases what came from the duplicate too.
  pv1::EraseClientRequest erase;
  erase.set_client_id(survivor_);
  erase.set_reason("merge test");
  pv1::Client erased;
  ASSERT_TRUE(profile_stub_->EraseClient(Context(admin_a_).get(), erase, &erased).ok());
  MySqlPool pool(profile_config_.mysql, nullptr);
  EXPECT_EQ(testing::FindInSchemas(pool, profile_config_.mysql.database, {name_, email_}),
            std::vector<std::string>{});
}

}  // namespace
}  // namespace clienttier::campaign
