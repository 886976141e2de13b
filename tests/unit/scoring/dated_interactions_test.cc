// Issue 17 part 2's last gap over the in-memory fakes: interaction counters and referral counts
// as of a past day come from their dated rows (migration 008), written by the event paths;
// erasure deletes them and a merge folds them into the survivor.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/scoring/fake_scoring_world.h"

namespace clienttier::scoring {
namespace {

namespace pv1 = ::clienttier::profile::v1;
namespace rv1 = ::clienttier::referral::v1;
using testing::FakeScoringWorld;

constexpr char kTenant[] = "t1";
constexpr Day kToday = FakeScoringWorld::kToday;

google::protobuf::Timestamp DaysAgo(int days) {
  return ToProtoTimestamp(FakeScoringWorld::kNow - days * kMicrosPerDay);
}

pv1::ProfileEvent Purchase(const std::string& event_id, const std::string& client_id,
                           int days_ago) {
  pv1::ProfileEvent event;
  event.set_event_id(event_id);
  event.set_tenant_id(kTenant);
  auto* transaction = event.mutable_transaction_recorded()->mutable_transaction();
  transaction->set_client_id(client_id);
  transaction->set_kind(pv1::TRANSACTION_KIND_PURCHASE);
  transaction->mutable_amount()->set_units(5000);
  transaction->mutable_amount()->set_currency("CNY");
  *transaction->mutable_occurred_at() = DaysAgo(days_ago);
  return event;
}

pv1::ProfileEvent Interaction(const std::string& event_id, const std::string& client_id,
                              pv1::InteractionKind kind, int days_ago) {
  pv1::ProfileEvent event;
  event.set_event_id(event_id);
  event.set_tenant_id(kTenant);
  auto* interaction = event.mutable_interaction_recorded()->mutable_interaction();
  interaction->set_client_id(client_id);
  interaction->set_kind(kind);
  *interaction->mutable_occurred_at() = DaysAgo(days_ago);
  return event;
}

pv1::ProfileEvent Erased(const std::string& event_id, const std::string& client_id) {
  pv1::ProfileEvent event;
  event.set_event_id(event_id);
  event.set_tenant_id(kTenant);
  event.mutable_client_erased()->set_client_id(client_id);
  return event;
}

pv1::ProfileEvent Merged(const std::string& event_id, const std::string& survivor,
                         const std::string& duplicate) {
  pv1::ProfileEvent event;
  event.set_event_id(event_id);
  event.set_tenant_id(kTenant);
  event.mutable_clients_merged()->set_survivor_client_id(survivor);
  event.mutable_clients_merged()->set_duplicate_client_id(duplicate);
  return event;
}

// A referral of `referrer` registered `registered_days_ago` (and converted `converted_days_ago`
// when >= 0), as referral publishes it.
rv1::ReferralEvent ReferralEvent(const std::string& referral_id, const std::string& referrer,
                                 int registered_days_ago, int converted_days_ago = -1) {
  rv1::ReferralEvent event;
  event.set_event_id("re-" + referral_id + (converted_days_ago >= 0 ? "-c" : "-r"));
  event.set_tenant_id(kTenant);
  rv1::Referral* referral = converted_days_ago >= 0
                                ? event.mutable_referral_converted()->mutable_referral()
                                : event.mutable_referral_registered()->mutable_referral();
  referral->set_referral_id(referral_id);
  referral->set_referrer_client_id(referrer);
  referral->set_referee_client_id("referee-" + referral_id);
  *referral->mutable_registered_at() = DaysAgo(registered_days_ago);
  if (converted_days_ago >= 0) {
    *referral->mutable_converted_at() = DaysAgo(converted_days_ago);
  }
  *event.mutable_occurred_at() =
      DaysAgo(converted_days_ago >= 0 ? converted_days_ago : registered_days_ago);
  return event;
}

std::string Input(const v1::ScoreExplanation& explanation, const std::string& name) {
  for (const v1::ScoreInput& input : explanation.inputs()) {
    if (input.name() == name) {
      return input.value();
    }
  }
  return "(missing)";
}

class DatedInteractionsTest : public ::testing::Test {
 protected:
  // c1 bought 60 days ago; day A (40 days ago): an event attended and a share; day B (10 days
  // ago): another event, a share and a content use.
  void RecordDaysAAndB(const std::string& client_id) {
    world_.profile_events.Apply({Purchase(client_id + "-p", client_id, 60)});
    world_.profile_events.Apply(
        {Interaction(client_id + "-a1", client_id, pv1::INTERACTION_KIND_EVENT_ATTENDANCE, 40),
         Interaction(client_id + "-a2", client_id, pv1::INTERACTION_KIND_SHARE, 40)});
    world_.profile_events.Apply(
        {Interaction(client_id + "-b1", client_id, pv1::INTERACTION_KIND_EVENT_ATTENDANCE, 10),
         Interaction(client_id + "-b2", client_id, pv1::INTERACTION_KIND_SHARE, 10),
         Interaction(client_id + "-b3", client_id, pv1::INTERACTION_KIND_CONTENT_USE, 10)});
  }

  const testing::FakeAggregateRepository::Client& Row(const std::string& client_id) {
    return world_.aggregates.clients[{kTenant, client_id}];
  }

  FakeScoringWorld world_;
};

TEST_F(DatedInteractionsTest, APastScoreCountsOnlyTheInteractionsUpToItsDay) {
  RecordDaysAAndB("c1");
  // One dated write per read that holds interactions, none for the purchase's read.
  EXPECT_EQ(world_.aggregates.interaction_day_writes, 2);
  ASSERT_EQ(Row("c1").interaction_days.size(), 2u);

  const v1::ScoreExplanation past = world_.rescoring.ExplainScore(kTenant, "c1", kToday - 20);
  EXPECT_EQ(Input(past, "events_attended"), "1");
  EXPECT_EQ(Input(past, "shares"), "1");
  EXPECT_EQ(Input(past, "content_uses"), "0");
  const v1::ScoreExplanation before_a = world_.rescoring.ExplainScore(kTenant, "c1", kToday - 50);
  EXPECT_EQ(Input(before_a, "events_attended"), "0");
  EXPECT_EQ(Input(before_a, "shares"), "0");
  EXPECT_LT(world_.rescoring.ScoreClient(kTenant, "c1", kToday - 50).propagation_index(),
            world_.rescoring.ScoreClient(kTenant, "c1", kToday - 20).propagation_index());

  // Today's score keeps reading the running totals: both days.
  const int loads_before = world_.aggregates.dated_count_loads;
  const v1::ScoreExplanation today = world_.rescoring.ExplainScore(kTenant, "c1");
  EXPECT_EQ(Input(today, "events_attended"), "2");
  EXPECT_EQ(Input(today, "shares"), "2");
  EXPECT_EQ(Input(today, "content_uses"), "1");
  EXPECT_EQ(world_.aggregates.dated_count_loads, loads_before);  // no dated read today
  // An as_of of today sums every dated row: the same counts.
  const v1::ScoreExplanation as_of_today = world_.rescoring.ExplainScore(kTenant, "c1", kToday);
  EXPECT_EQ(Input(as_of_today, "events_attended"), "2");
  EXPECT_EQ(Input(as_of_today, "content_uses"), "1");
}

TEST_F(DatedInteractionsTest, ARedeliveredReadAddsNoDatedCount) {
  RecordDaysAAndB("c1");
  world_.profile_events.Apply(
      {Interaction("c1-a1", "c1", pv1::INTERACTION_KIND_EVENT_ATTENDANCE, 40)});  // again
  EXPECT_EQ(Row("c1").interaction_days.at(kToday - 40).events_attended, 1);
}

TEST_F(DatedInteractionsTest, ErasingAClientDeletesItsDatedRows) {
  RecordDaysAAndB("c1");
  RecordDaysAAndB("c2");
  world_.referral_events.Apply({ReferralEvent("r1", "c1", 30), ReferralEvent("r2", "c2", 30)});
  ASSERT_EQ(world_.aggregates.referrals.size(), 2u);

  world_.profile_events.Apply(
      {Interaction("c1-late", "c1", pv1::INTERACTION_KIND_SHARE, 1), Erased("c1-x", "c1")});
  EXPECT_TRUE(Row("c1").interaction_days.empty());
  ASSERT_EQ(world_.aggregates.referrals.size(), 1u);
  EXPECT_EQ(world_.aggregates.referrals.begin()->second.referrer_client_id, "c2");
  EXPECT_EQ(Row("c2").interaction_days.size(), 2u);  // the others' rows stay
}

TEST_F(DatedInteractionsTest, AMergeFoldsTheDuplicatesDatedRowsIntoTheSurvivor) {
  RecordDaysAAndB("s");
  world_.profile_events.Apply({Purchase("d-p", "d", 70)});
  world_.profile_events.Apply({Interaction("d-a", "d", pv1::INTERACTION_KIND_SHARE, 40),
                               Interaction("d-c", "d", pv1::INTERACTION_KIND_CONTENT_USE, 35)});
  world_.referral_events.Apply({ReferralEvent("r1", "d", 45)});

  world_.profile_events.Apply({Merged("m", "s", "d")});
  EXPECT_TRUE(Row("d").interaction_days.empty());
  EXPECT_EQ(Row("s").interaction_days.at(kToday - 40).shares, 2);  // 1 of each
  EXPECT_EQ(Row("s").interaction_days.at(kToday - 35).content_uses, 1);
  EXPECT_EQ(world_.aggregates.referrals.begin()->second.referrer_client_id, "s");

  const v1::ScoreExplanation past = world_.rescoring.ExplainScore(kTenant, "s", kToday - 20);
  EXPECT_EQ(Input(past, "shares"), "2");
  EXPECT_EQ(Input(past, "content_uses"), "1");
  EXPECT_EQ(Input(past, "referrals_sent"), "1");
}

TEST_F(DatedInteractionsTest, ReferralCountsAsOfADayFollowTheReferralsDates) {
  world_.profile_events.Apply({Purchase("c1-p", "c1", 60)});
  // r1 registered 50 days ago and converted 15 days ago; r2 registered 5 days ago.
  world_.referral_events.Apply({ReferralEvent("r1", "c1", 50)});
  world_.referral_events.Apply({ReferralEvent("r1", "c1", 50, 15), ReferralEvent("r2", "c1", 5)});
  world_.referral_events.Apply({ReferralEvent("r1", "c1", 50, 15)});  // a redelivery

  const v1::ScoreExplanation day_30 = world_.rescoring.ExplainScore(kTenant, "c1", kToday - 30);
  EXPECT_EQ(Input(day_30, "referrals_sent"), "1");
  EXPECT_EQ(Input(day_30, "referrals_converted"), "0");
  const v1::ScoreExplanation day_10 = world_.rescoring.ExplainScore(kTenant, "c1", kToday - 10);
  EXPECT_EQ(Input(day_10, "referrals_sent"), "1");
  EXPECT_EQ(Input(day_10, "referrals_converted"), "1");
  const v1::ScoreExplanation day_0 = world_.rescoring.ExplainScore(kTenant, "c1", kToday);
  EXPECT_EQ(Input(day_0, "referrals_sent"), "2");
  EXPECT_EQ(Input(day_0, "referrals_converted"), "1");
  const v1::ScoreExplanation day_60 = world_.rescoring.ExplainScore(kTenant, "c1", kToday - 60);
  EXPECT_EQ(Input(day_60, "referrals_sent"), "0");
}

}  // namespace
}  // namespace clienttier::scoring
