// MergeAggregateChanges: a read's changes become one row per paid day and one per client,
// with the same totals as applying them one by one.
#include "services/scoring/domain/aggregate_merge.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace clienttier::scoring {
namespace {

AggregateChange Paid(const std::string& client_id, Day day, int64_t spend_minor,
                     const std::string& currency = "CNY", bool session = false) {
  AggregateChange change;
  change.kind = AggregateChange::Kind::kPaidOccasion;
  change.client_id = client_id;
  change.day = day;
  change.currency = currency;
  change.purchases = session ? 0 : 1;
  change.sessions = session ? 1 : 0;
  change.spend_minor = spend_minor;
  return change;
}

AggregateChange Activity(const std::string& client_id, Day day, ActivityCounter counter) {
  AggregateChange change;
  change.kind = AggregateChange::Kind::kActivity;
  change.client_id = client_id;
  change.day = day;
  change.counter = counter;
  change.login = counter == ActivityCounter::kLogins;
  return change;
}

AggregateChange OfKind(AggregateChange::Kind kind, const std::string& client_id) {
  AggregateChange change;
  change.kind = kind;
  change.client_id = client_id;
  return change;
}

TEST(MergeAggregateChangesTest, PaidOccasionsOfOneDayAndCurrencyAddUpInOneRow) {
  const MergedAggregateChanges merged = MergeAggregateChanges(
      {Paid("c2", 10, 500), Paid("c1", 12, 100), Paid("c1", 12, 250, "CNY", true),
       Paid("c1", 12, 70, "USD"), Paid("c1", 11, 30)});

  ASSERT_EQ(merged.paid_days.size(), 4u);
  // In primary-key order: (client, day, currency).
  EXPECT_EQ(merged.paid_days[0].client_id, "c1");
  EXPECT_EQ(merged.paid_days[0].day, 11);
  EXPECT_EQ(merged.paid_days[1].day, 12);
  EXPECT_EQ(merged.paid_days[1].currency, "CNY");
  EXPECT_EQ(merged.paid_days[1].purchases, 1);
  EXPECT_EQ(merged.paid_days[1].sessions, 1);
  EXPECT_EQ(merged.paid_days[1].spend_minor, 350);
  EXPECT_EQ(merged.paid_days[2].currency, "USD");
  EXPECT_EQ(merged.paid_days[2].spend_minor, 70);
  EXPECT_EQ(merged.paid_days[3].client_id, "c2");
  EXPECT_EQ(merged.paid_days[3].spend_minor, 500);
  ASSERT_EQ(merged.clients.size(), 2u);
  EXPECT_EQ(merged.clients[0].client_id, "c1");
  EXPECT_EQ(merged.clients[0].last_activity_day, 12);
  EXPECT_FALSE(merged.clients[0].last_login_day);
  EXPECT_EQ(merged.clients[1].last_activity_day, 10);
}

TEST(MergeAggregateChangesTest, InteractionsCountPerCounterAndKeepTheLatestDays) {
  const MergedAggregateChanges merged = MergeAggregateChanges(
      {Activity("c1", 20, ActivityCounter::kLogins), Activity("c1", 25, ActivityCounter::kShares),
       Activity("c1", 18, ActivityCounter::kLogins), Activity("c1", 5, ActivityCounter::kShares),
       Activity("c1", 7, ActivityCounter::kEventsAttended),
       Activity("c1", 8, ActivityCounter::kContentUses), Activity("c1", 9, ActivityCounter::kNone),
       Paid("c1", 22, 100)});

  EXPECT_EQ(merged.paid_days.size(), 1u);
  ASSERT_EQ(merged.clients.size(), 1u);
  const ClientDelta& client = merged.clients[0];
  EXPECT_EQ(client.last_activity_day, 25);
  EXPECT_EQ(client.last_login_day, 20);
  EXPECT_EQ(client.logins, 2);
  EXPECT_EQ(client.shares, 2);
  EXPECT_EQ(client.events_attended, 1);
  EXPECT_EQ(client.content_uses, 1);
  EXPECT_FALSE(client.erased);
}

TEST(MergeAggregateChangesTest, AKnownClientGetsARowThatMovesNothing) {
  const MergedAggregateChanges merged =
      MergeAggregateChanges({OfKind(AggregateChange::Kind::kClientKnown, "c1")});

  EXPECT_TRUE(merged.paid_days.empty());
  ASSERT_EQ(merged.clients.size(), 1u);
  const ClientDelta& client = merged.clients[0];
  EXPECT_EQ(client.client_id, "c1");
  EXPECT_FALSE(client.last_activity_day);
  EXPECT_FALSE(client.last_login_day);
  EXPECT_EQ(client.logins + client.events_attended + client.content_uses + client.shares, 0);
  EXPECT_FALSE(client.erased);
}

TEST(MergeAggregateChangesTest, AnErasureHoldsWhateverComesAfterItInTheRead) {
  const MergedAggregateChanges merged = MergeAggregateChanges(
      {Paid("c1", 3, 100), OfKind(AggregateChange::Kind::kErased, "c1"), Paid("c1", 4, 200),
       OfKind(AggregateChange::Kind::kClientKnown, "c1")});

  ASSERT_EQ(merged.clients.size(), 1u);
  EXPECT_TRUE(merged.clients[0].erased);
  EXPECT_EQ(merged.clients[0].last_activity_day, 4);
  // The paid days stay, as one by one: they carry no personal data.
  EXPECT_EQ(merged.paid_days.size(), 2u);
}

TEST(MergeAggregateChangesTest, ChangesScoringDoesNotUseLeaveNothing) {
  const MergedAggregateChanges merged =
      MergeAggregateChanges({OfKind(AggregateChange::Kind::kNone, "c1")});
  EXPECT_TRUE(merged.paid_days.empty());
  EXPECT_TRUE(merged.clients.empty());
  EXPECT_TRUE(MergeAggregateChanges({}).clients.empty());
}

}  // namespace
}  // namespace clienttier::scoring
