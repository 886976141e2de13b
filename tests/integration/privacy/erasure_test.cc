// Issue 18 part 1, "erasure that erases": after EraseClient and the events are processed by
// every consumer, the person's name, email and phone are nowhere, neither in any table of any
// schema of the four services (outboxes included) nor in any Redis key or stream entry nor in
// the logs the services wrote, although the erasure reason names them.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include "common/db/sql_helpers.h"
#include "common/outbox/streams.h"
#include "common/redis/stream_consumer.h"
#include "services/referral/referral_app.h"
#include "tests/integration/campaign/campaign_fixture.h"
#include "tests/support/personal_data_search.h"

namespace clienttier::campaign {
namespace {

// "1700000000000-3" -> {1700000000000, 3}, so stream ids compare in order.
std::pair<uint64_t, uint64_t> StreamIdParts(const std::string& id) {
  const size_t dash = id.find('-');
  return {std::stoull(id.substr(0, dash)),
          dash == std::string::npos ? 0 : std::stoull(id.substr(dash + 1))};
}

class ErasureTest : public CampaignFixture {
 protected:
  void SetUp() override {
    capture_ = std::make_unique<testing::StderrCapture>();
    CampaignFixture::SetUp();
    referral_config_.server = server_config(16);
    referral_config_.mysql = testing::MySqlFromEnv(testing::UniqueDatabaseName("referral"));
    referral_config_.redis = testing::RedisFromEnv();
    referral_config_.relay.poll_interval_ms = 10;
    referral_config_.consumer.group = "referral-privacy-" + suffix_;
    referral_config_.consumer.start_id = "$";
    referral_config_.consumer.consumer_name = "test-consumer";
    referral::ReferralApp::Migrate(referral_config_.mysql);
    referral_ = std::make_unique<referral::ReferralApp>(referral_config_);
    referral_port_ = referral_->Start();
    redis_ = std::make_unique<RedisClient>(testing::RedisFromEnv(), nullptr);
    mysql_ = std::make_unique<MySqlPool>(profile_config_.mysql, nullptr);

    // Distinctive values, found nowhere unless this test put them there.
    std::string token = suffix_;
    std::replace(token.begin(), token.end(), '_', 'x');
    name_ = "Quorra Vantablack-Pemberton " + token;
    email_ = "quorra." + token + "@erasure-test.example";
    phone_ =
        "+86 (139) " +
        std::to_string(100000000 + std::stoll(suffix_.substr(0, suffix_.find('_'))) % 899999999);
    client_id_ = "privacy-" + token;
  }
  void TearDown() override {
    if (referral_) {
      referral_->Stop();
      referral_.reset();
    }
    CampaignFixture::TearDown();
    capture_->Stop();
    if (HasFailure()) {
      // The services' log says why a consumer did not catch up; the capture is deleted next.
      std::ifstream log(capture_->path());
      std::cerr << "--- the services' log of the failed test ---\n" << log.rdbuf() << "---\n";
    }
    capture_.reset();
  }

  // Waits until the schema's outbox has published every row.
  void WaitForOutbox(const MySqlConfig& mysql) {
    MySqlPool pool(mysql, nullptr);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    int64_t pending = -1;
    while (std::chrono::steady_clock::now() < deadline) {
      pool.WithConnection([&](sql::Connection& connection) {
        auto rows =
            Query(*Prepare(connection, "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL"));
        rows->next();
        pending = rows->getInt64(1);
      });
      if (pending == 0) {
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL() << mysql.database << ": " << pending << " outbox rows not published in time";
  }

  // The group's unacknowledged entries of this test's tenants. The streams are shared with
  // the tests running beside this one, whose poison events (ScoringDeadLetterTest's) fail in
  // this test's consumers too and stay pending there until dead-lettered, minutes later.
  long long PendingOfOurTenants(const std::string& stream, const std::string& group) {
    RedisReply pending = redis_->Command({"XPENDING", stream, group, "-", "+", "1000"});
    long long ours = 0;
    for (size_t i = 0; pending && pending->type == REDIS_REPLY_ARRAY && i < pending->elements;
         ++i) {
      const redisReply* entry = pending->element[i];
      const std::string id(entry->element[0]->str, entry->element[0]->len);
      RedisReply read = redis_->Command({"XRANGE", stream, id, id});
      for (const StreamEntry& found : ParseStreamEntries(read.get())) {
        const auto tenant = found.fields.find("tenant");
        if (tenant != found.fields.end() &&
            (tenant->second == tenant_a_ || tenant->second == tenant_b_)) {
          ++ours;
        }
      }
    }
    return ours;
  }

  // Waits until each group has read the stream up to its current end and acknowledged every
  // entry of this test's tenants.
  void WaitForGroups(const std::string& stream, const std::vector<std::string>& groups) {
    const std::string end_id = testing::LastStreamId(*redis_, stream);
    const auto end = StreamIdParts(end_id);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::vector<std::string> behind = groups;
    while (!behind.empty() && std::chrono::steady_clock::now() < deadline) {
      behind.clear();
      RedisReply info = redis_->Command({"XINFO", "GROUPS", stream});
      for (const std::string& group : groups) {
        bool caught_up = false;
        std::string state = group + " (not in XINFO GROUPS)";
        for (size_t i = 0; info && info->type == REDIS_REPLY_ARRAY && i < info->elements; ++i) {
          const redisReply* fields = info->element[i];
          std::string name;
          std::string last;
          long long pending = -1;
          for (size_t f = 0; f + 1 < fields->elements; f += 2) {
            const std::string key(fields->element[f]->str, fields->element[f]->len);
            const redisReply* value = fields->element[f + 1];
            if (key == "name") {
              name.assign(value->str, value->len);
            } else if (key == "last-delivered-id") {
              last.assign(value->str, value->len);
            } else if (key == "pending") {
              pending = value->integer;
            }
          }
          if (name == group) {
            const long long ours = pending == 0 ? 0 : PendingOfOurTenants(stream, group);
            caught_up = ours == 0 && StreamIdParts(last) >= end;
            state = group + " (pending " + std::to_string(pending) + ", of this test's tenants " +
                    std::to_string(ours) + ", last delivered " + last + ")";
          }
        }
        if (!caught_up) {
          behind.push_back(state);
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_TRUE(behind.empty()) << stream << ": group " << behind.front() << " did not catch up to "
                                << end_id << ", the stream's end when the wait began";
  }

  // Every consumer of every stream has applied everything the services wrote.
  void WaitForAllEvents() {
    WaitForOutbox(profile_config_.mysql);
    WaitForGroups(kProfileEventStream,
                  {scoring_config_.consumer.group, campaign_config_.profile_consumer.group,
                   referral_config_.consumer.group});
    WaitForOutbox(scoring_config_.mysql);
    WaitForGroups(kScoringEventStream, {campaign_config_.scoring_consumer.group});
    WaitForOutbox(referral_config_.mysql);
  }

  std::vector<std::string> Needles() const { return {name_, email_, phone_}; }

  std::unique_ptr<testing::StderrCapture> capture_;
  referral::ReferralAppConfig referral_config_;
  std::unique_ptr<referral::ReferralApp> referral_;
  int referral_port_ = 0;
  std::unique_ptr<RedisClient> redis_;
  std::unique_ptr<MySqlPool> mysql_;
  std::string name_;
  std::string email_;
  std::string phone_;
  std::string client_id_;
};

TEST_F(ErasureTest, ErasedPersonIsInNoTableRedisKeyStreamOrLog) {
  // A client with contacts, consent and tags, read once (so it is cached), updated, with a
  // purchase and an interaction whose free-text detail names them.
  pv1::CreateClientRequest create;
  pv1::Client& input = *create.mutable_client();
  input.set_client_id(client_id_);
  input.set_display_name(name_);
  input.set_email(email_);
  input.set_phone("+86 000");
  input.mutable_demographics()->set_region("zhejiang");
  pv1::Consent& consent = *input.add_consents();
  consent.set_channel(common::v1::CONTACT_CHANNEL_EMAIL);
  consent.set_granted(true);
  pv1::Tag& tag = *input.add_tags();
  tag.set_kind(pv1::TAG_KIND_INTEREST);
  tag.set_value("mindfulness");
  pv1::Client created;
  ASSERT_TRUE(profile_stub_->CreateClient(Context(writer_a_).get(), create, &created).ok());

  pv1::UpdateClientRequest update;
  update.mutable_client()->set_client_id(client_id_);
  update.mutable_client()->set_phone(phone_);
  update.set_expected_version(created.version());
  update.mutable_update_mask()->add_paths("phone");
  pv1::Client updated;
  const grpc::Status updated_status =
      profile_stub_->UpdateClient(Context(writer_a_).get(), update, &updated);
  ASSERT_TRUE(updated_status.ok()) << updated_status.error_message();

  RecordPurchase("privacy-purchase-" + suffix_, client_id_, 48000, 3, writer_a_);
  pv1::RecordInteractionRequest interaction;
  interaction.mutable_interaction()->set_idempotency_key("privacy-visit-" + suffix_);
  interaction.mutable_interaction()->set_client_id(client_id_);
  interaction.mutable_interaction()->set_kind(pv1::INTERACTION_KIND_EVENT_ATTENDANCE);
  interaction.mutable_interaction()->mutable_occurred_at()->set_seconds(now_seconds_ - 3600);
  interaction.mutable_interaction()->set_detail("signed in as " + name_ + " <" + email_ + ">");
  pv1::RecordInteractionResponse recorded;
  const grpc::Status interaction_status =
      profile_stub_->RecordInteraction(Context(writer_a_).get(), interaction, &recorded);
  ASSERT_TRUE(interaction_status.ok()) << interaction_status.error_message();

  pv1::GetClientRequest get;
  get.set_client_id(client_id_);
  pv1::Client read;
  ASSERT_TRUE(profile_stub_->GetClient(Context(reader_a_).get(), get, &read).ok());
  ASSERT_EQ(read.email(), email_);

  // Every consumer saw the person: scored, a campaign member, known to referral.
  WaitForScores({client_id_}, reader_a_);
  WaitForPreview("has_tag(\"mindfulness\")", reader_a_,
                 [](const v1::SegmentPreview& preview) { return preview.members() == 1; });
  WaitForAllEvents();
  if (::testing::Test::HasFatalFailure()) {
    return;
  }
  // The search finds the person before the erasure (so it would find a leftover after it).
  EXPECT_FALSE(testing::FindInSchemas(*mysql_, profile_config_.mysql.database, Needles()).empty());

  pv1::EraseClientRequest erase;
  erase.set_client_id(client_id_);
  erase.set_reason("ticket 4711: " + name_ + " asked by mail from " + email_ + ", " + phone_);
  pv1::Client tombstone;
  const grpc::Status erased =
      profile_stub_->EraseClient(Context(admin_a_).get(), erase, &tombstone);
  ASSERT_TRUE(erased.ok()) << erased.error_message();
  ASSERT_TRUE(tombstone.erased());

  WaitForPreview("has_tag(\"mindfulness\")", reader_a_,
                 [](const v1::SegmentPreview& preview) { return preview.members() == 0; });
  WaitForAllEvents();
  if (::testing::Test::HasFatalFailure()) {
    return;
  }
  ASSERT_TRUE(profile_stub_->GetClient(Context(reader_a_).get(), get, &read).ok());
  EXPECT_TRUE(read.erased());
  EXPECT_EQ(read.display_name(), "");

  // This process's schemas: "ct_test_<service>_<pid>_..." (UniqueDatabaseName), all four.
  const std::string pid = suffix_.substr(0, suffix_.find('_'));
  std::vector<std::string> found =
      testing::FindInSchemas(*mysql_, "ct\\_test\\_%\\_" + pid + "\\_%", Needles());
  for (std::string& place : testing::FindInRedis(*redis_, Needles())) {
    found.push_back(std::move(place));
  }
  capture_->Stop();
  for (std::string& place : testing::FindInFile(capture_->path(), Needles())) {
    found.push_back(std::move(place));
  }
  std::string list;
  for (const std::string& place : found) {
    list += "\n  " + place;
  }
  EXPECT_TRUE(found.empty()) << "the erased person was still found in:" << list;
}

}  // namespace
}  // namespace clienttier::campaign
