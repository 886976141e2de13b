// Issue 17 part 2's last gap on the real stack: interactions recorded in client-profile and
// referral events on ct:events:referral are dated in scoring (migration 008), so a score as of a
// day between two days of activity counts only the first day's; today's counts both (from the
// running totals). Erasure deletes a client's dated rows; a merge folds them into the survivor.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "common/db/mysql_pool.h"
#include "common/db/sql_helpers.h"
#include "common/outbox/outbox.h"
#include "common/outbox/streams.h"
#include "common/redis/redis_client.h"
#include "tests/integration/scoring/scoring_fixture.h"

namespace clienttier::scoring {
namespace {

namespace rv1 = ::clienttier::referral::v1;

class AsOfInteractionsTest : public ScoringFixture {
 protected:
  google::protobuf::Timestamp DaysAgo(int days) const {
    google::protobuf::Timestamp at;
    at.set_seconds(now_seconds_ - int64_t{86400} * days);
    return at;
  }

  void RecordInteraction(const std::string& key, const std::string& client_id,
                         pv1::InteractionKind kind, int days_ago) {
    pv1::RecordInteractionRequest request;
    auto* input = request.mutable_interaction();
    input->set_idempotency_key(key);
    input->set_client_id(client_id);
    input->set_kind(kind);
    *input->mutable_occurred_at() = DaysAgo(days_ago);
    pv1::RecordInteractionResponse response;
    const grpc::Status status =
        profile_stub_->RecordInteraction(Context(writer_a_).get(), request, &response);
    ASSERT_TRUE(status.ok()) << key << ": " << status.error_message();
  }

  // Day A (40 days ago): an event attended and a share; day B (10 days ago): another event, a
  // share and a content use. The client bought 60 days ago.
  void RecordDaysAAndB(const std::string& client_id) {
    CreateClient(client_id, writer_a_);
    RecordPurchase(client_id + "-p", client_id, 1000, 60, writer_a_);
    RecordInteraction(client_id + "-a1", client_id, pv1::INTERACTION_KIND_EVENT_ATTENDANCE, 40);
    RecordInteraction(client_id + "-a2", client_id, pv1::INTERACTION_KIND_SHARE, 40);
    RecordInteraction(client_id + "-b1", client_id, pv1::INTERACTION_KIND_EVENT_ATTENDANCE, 10);
    RecordInteraction(client_id + "-b2", client_id, pv1::INTERACTION_KIND_SHARE, 10);
    RecordInteraction(client_id + "-b3", client_id, pv1::INTERACTION_KIND_CONTENT_USE, 10);
  }

  // What referral publishes for a referral of `referrer` (registered, or converted when
  // converted_days_ago >= 0), on the stream scoring consumes.
  void PublishReferral(const std::string& referral_id, const std::string& referrer,
                       int registered_days_ago, int converted_days_ago = -1) {
    rv1::ReferralEvent event;
    event.set_event_id(NewEventId());
    event.set_tenant_id(tenant_a_);
    const bool converted = converted_days_ago >= 0;
    *event.mutable_occurred_at() = DaysAgo(converted ? converted_days_ago : registered_days_ago);
    rv1::Referral* referral = converted ? event.mutable_referral_converted()->mutable_referral()
                                        : event.mutable_referral_registered()->mutable_referral();
    referral->set_referral_id(referral_id);
    referral->set_referrer_client_id(referrer);
    referral->set_referee_client_id(referral_id + "-referee");
    *referral->mutable_registered_at() = DaysAgo(registered_days_ago);
    if (converted) {
      *referral->mutable_converted_at() = DaysAgo(converted_days_ago);
    }
    redis_.Command({"XADD", kReferralEventStream, "*", "event_id", event.event_id(), "type",
                    converted ? "referral_converted" : "referral_registered", "tenant", tenant_a_,
                    "payload", event.SerializeAsString()});
  }

  grpc::Status Explain(const std::string& client_id, int as_of_days_ago,
                       v1::ScoreExplanation* explanation) {
    v1::ExplainScoreRequest request;
    request.set_client_id(client_id);
    if (as_of_days_ago >= 0) {
      *request.mutable_as_of() = DaysAgo(as_of_days_ago);
    }
    explanation->Clear();
    return stub_->ExplainScore(Context(reader_a_).get(), request, explanation);
  }

  static std::string Input(const v1::ScoreExplanation& explanation, const std::string& name) {
    for (const v1::ScoreInput& input : explanation.inputs()) {
      if (input.name() == name) {
        return input.value();
      }
    }
    return "(missing)";
  }

  // Polls (bounded, 15 s) until `ready` holds; false when it never did.
  static bool Eventually(const std::function<bool()>& ready) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
      if (ready()) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return ready();
  }

  // Explanation `as_of_days_ago` (-1: today's) once `name` shows `value`.
  v1::ScoreExplanation ExplainOnce(const std::string& client_id, int as_of_days_ago,
                                   const std::string& name, const std::string& value) {
    v1::ScoreExplanation explanation;
    EXPECT_TRUE(Eventually([&] {
      return Explain(client_id, as_of_days_ago, &explanation).ok() &&
             Input(explanation, name) == value;
    })) << client_id
        << " " << name << " never " << value << ": " << explanation.ShortDebugString();
    return explanation;
  }

  // Rows of `table` in scoring's schema whose `column` is `client_id` (tenant A).
  int64_t DatedRows(const std::string& table, const std::string& column,
                    const std::string& client_id) {
    int64_t rows = -1;
    scoring_->pool().WithConnection([&](sql::Connection& connection) {
      auto count = Prepare(connection, "SELECT COUNT(*) FROM " + table +
                                           " WHERE tenant_id = ? AND " + column + " = ?");
      count->setString(1, tenant_a_);
      count->setString(2, client_id);
      auto result = Query(*count);
      rows = result->next() ? result->getInt64(1) : -1;
    });
    return rows;
  }

  RedisClient redis_{testing::RedisFromEnv(), nullptr};
};

TEST_F(AsOfInteractionsTest, AScoreAsOfADayBetweenTwoDaysOfActivityCountsOnlyTheFirst) {
  RecordDaysAAndB("c1");
  PublishReferral("r1", "c1", 45);
  PublishReferral("r1", "c1", 45, 15);
  PublishReferral("r2", "c1", 5);
  // Today's explanation reads the running totals: both days once applied.
  const v1::ScoreExplanation today = ExplainOnce("c1", -1, "content_uses", "1");
  EXPECT_EQ(Input(today, "events_attended"), "2");
  EXPECT_EQ(Input(today, "shares"), "2");
  // The referral events are dated (no referral service here, so today's stored counts stay 0).
  ExplainOnce("c1", 0, "referrals_sent", "2");

  v1::ScoreExplanation past;
  ASSERT_TRUE(Explain("c1", 20, &past).ok());
  EXPECT_EQ(Input(past, "events_attended"), "1");
  EXPECT_EQ(Input(past, "shares"), "1");
  EXPECT_EQ(Input(past, "content_uses"), "0");
  EXPECT_EQ(Input(past, "referrals_sent"), "1");  // r1 registered 45 days ago, r2 after the day
  EXPECT_EQ(Input(past, "referrals_converted"), "0");  // r1 converted 15 days ago
  v1::ScoreExplanation before_a;
  ASSERT_TRUE(Explain("c1", 50, &before_a).ok());
  EXPECT_EQ(Input(before_a, "events_attended"), "0");
  EXPECT_EQ(Input(before_a, "shares"), "0");
  v1::ScoreExplanation as_of_today;
  ASSERT_TRUE(Explain("c1", 0, &as_of_today).ok());
  EXPECT_EQ(Input(as_of_today, "events_attended"), "2");
  EXPECT_EQ(Input(as_of_today, "referrals_converted"), "1");

  // ScoreClient as of the day: its propagation index is the day's, below today's.
  v1::ScoreClientRequest request;
  request.set_client_id("c1");
  *request.mutable_as_of() = DaysAgo(20);
  v1::Score past_score;
  ASSERT_TRUE(stub_->ScoreClient(Context(writer_a_).get(), request, &past_score).ok());
  *request.mutable_as_of() = DaysAgo(0);
  v1::Score as_of_today_score;
  ASSERT_TRUE(stub_->ScoreClient(Context(writer_a_).get(), request, &as_of_today_score).ok());
  EXPECT_LT(past_score.propagation_index(), as_of_today_score.propagation_index());
  // One dated row per client and day.
  EXPECT_EQ(DatedRows("client_interaction_days", "client_id", "c1"), 2);
  EXPECT_EQ(DatedRows("client_referral_dates", "referrer_client_id", "c1"), 2);
}

TEST_F(AsOfInteractionsTest, ErasingAClientDeletesItsDatedRowsAndKeepsTheOthers) {
  RecordDaysAAndB("c1");
  RecordDaysAAndB("c2");
  PublishReferral("r2", "c2", 30);
  ExplainOnce("c1", -1, "content_uses", "1");
  ExplainOnce("c2", -1, "content_uses", "1");
  ASSERT_TRUE(Eventually(
      [&] { return DatedRows("client_referral_dates", "referrer_client_id", "c2") == 1; }));
  ASSERT_EQ(DatedRows("client_interaction_days", "client_id", "c2"), 2);

  pv1::EraseClientRequest erase;
  erase.set_client_id("c2");
  erase.set_reason("client request");
  pv1::Client tombstone;
  const grpc::Status status =
      profile_stub_->EraseClient(Context(admin_a_).get(), erase, &tombstone);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(Eventually([&] {
    return DatedRows("client_interaction_days", "client_id", "c2") == 0 &&
           DatedRows("client_referral_dates", "referrer_client_id", "c2") == 0;
  }));
  EXPECT_EQ(DatedRows("client_interaction_days", "client_id", "c1"), 2);
  v1::ScoreExplanation explanation;
  EXPECT_EQ(Explain("c2", 20, &explanation).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(AsOfInteractionsTest, AMergeFoldsTheDuplicatesDatedRowsIntoTheSurvivor) {
  RecordDaysAAndB("s");
  CreateClient("d", writer_a_);
  RecordInteraction("d-a", "d", pv1::INTERACTION_KIND_SHARE, 40);
  RecordInteraction("d-c", "d", pv1::INTERACTION_KIND_CONTENT_USE, 35);
  ExplainOnce("s", -1, "content_uses", "1");
  ASSERT_TRUE(
      Eventually([&] { return DatedRows("client_interaction_days", "client_id", "d") == 2; }));

  pv1::MergeClientsRequest merge;
  merge.set_survivor_client_id("s");
  merge.set_duplicate_client_id("d");
  pv1::MergeClientsResponse merged;
  const grpc::Status status = profile_stub_->MergeClients(Context(admin_a_).get(), merge, &merged);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // As of 20 days ago: s's day A and both of d's days.
  const v1::ScoreExplanation past = ExplainOnce("s", 20, "content_uses", "1");
  EXPECT_EQ(Input(past, "shares"), "2");
  EXPECT_EQ(Input(past, "events_attended"), "1");
  EXPECT_EQ(DatedRows("client_interaction_days", "client_id", "d"), 0);
  EXPECT_EQ(DatedRows("client_interaction_days", "client_id", "s"), 3);  // days 40, 35, 10
}

}  // namespace
}  // namespace clienttier::scoring
