// MergeAggregateChanges: a read's changes become one row per paid day and one per client,
// with the same totals as applying them one by one.
#include "services/scoring/domain/aggregate_merge.h"
#include "tests/unit/scoring/one_change.h"

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

// Issue 17 part 1: client events carry the acquisition day; in any order, the latest client
// version's word is kept.
AggregateChange Known(const std::string& client_id, int64_t version, Day acquired_day) {
  AggregateChange change = OfKind(AggregateChange::Kind::kClientKnown, client_id);
  change.client_version = version;
  change.acquired_day = acquired_day;
  return change;
}

TEST(MergeAggregateChangesTest, TheAcquisitionDayOfTheLatestClientVersionWins) {
  for (const auto& changes : std::vector<std::vector<AggregateChange>>{
           {Known("c1", 1, 100), Known("c1", 3, kNever), Known("c1", 2, 300), Paid("c1", 50, 9)},
           {Paid("c1", 50, 9), Known("c1", 2, 300), Known("c1", 3, kNever), Known("c1", 1, 100)}}) {
    const MergedAggregateChanges merged = MergeAggregateChanges(changes);
    ASSERT_EQ(merged.clients.size(), 1u);
    EXPECT_EQ(merged.clients[0].acquired_version, 3);
    EXPECT_EQ(merged.clients[0].acquired_day, kNever);  // version 3 cleared it
  }
  const MergedAggregateChanges two =
      MergeAggregateChanges({Known("c1", 2, 300), Known("c1", 1, 100)});
  EXPECT_EQ(two.clients[0].acquired_day, 300);
  const MergedAggregateChanges none = MergeAggregateChanges({Paid("c1", 50, 9)});
  EXPECT_EQ(none.clients[0].acquired_version, 0);  // says nothing: the row keeps its day
}

TEST(MergeAggregateChangesTest, TheChannelAndCostFollowTheLatestClientVersion) {
  AggregateChange first = Known("c1", 1, 100);
  first.acquisition_channel = "referral";
  first.acquisition_cost_minor = 500;
  first.acquisition_cost_currency = "CNY";
  AggregateChange second = Known("c1", 2, 100);
  second.acquisition_channel = "search_ads";
  second.acquisition_cost_minor = 900;
  second.acquisition_cost_currency = "USD";
  for (const auto& changes :
       std::vector<std::vector<AggregateChange>>{{first, second}, {second, first}}) {
    const ClientDelta client = MergeAggregateChanges(changes).clients.at(0);
    EXPECT_EQ(client.acquisition_channel, "search_ads");
    EXPECT_EQ(client.acquisition_cost_minor, 900);
    EXPECT_EQ(client.acquisition_cost_currency, "USD");
  }
}

// The first activity is the smallest day of any transaction or interaction, in any order; a
// refund is not activity of its own.
TEST(MergeAggregateChangesTest, TheFirstActivityIsTheEarliestDayInAnyOrder) {
  AggregateChange refund = Paid("c1", 5, -50);
  refund.refund = true;
  for (const auto& changes : std::vector<std::vector<AggregateChange>>{
           {Paid("c1", 40, 100), Activity("c1", 20, ActivityCounter::kLogins), refund},
           {refund, Activity("c1", 20, ActivityCounter::kLogins), Paid("c1", 40, 100)}}) {
    const ClientDelta client = MergeAggregateChanges(changes).clients.at(0);
    ASSERT_TRUE(client.first_activity_day.has_value());
    EXPECT_EQ(*client.first_activity_day, 20);
    EXPECT_EQ(*client.last_activity_day, 40);
  }
  EXPECT_FALSE(MergeAggregateChanges({Known("c1", 1, 100)}).clients.at(0).first_activity_day);
}

TEST(MergeAggregateChangesTest, ClientEventsSayTheAcquisitionDay) {
  namespace pv1 = ::clienttier::profile::v1;
  pv1::ProfileEvent created;
  pv1::Client* client = created.mutable_client_created()->mutable_client();
  client->set_client_id("c1");
  client->set_version(1);
  client->mutable_acquisition()->mutable_acquired_at()->set_seconds(-86400 * 3 + 10);  // 1969
  client->mutable_acquisition()->set_channel("search_ads");
  client->mutable_acquisition()->mutable_cost()->set_units(12000);
  client->mutable_acquisition()->mutable_cost()->set_currency("CNY");
  AggregateChange change = OneChangeOf(created);
  EXPECT_EQ(change.kind, AggregateChange::Kind::kClientKnown);
  EXPECT_EQ(change.client_version, 1);
  EXPECT_EQ(change.acquired_day, -3);
  EXPECT_EQ(change.acquisition_channel, "search_ads");
  EXPECT_EQ(change.acquisition_cost_minor, 12000);
  EXPECT_EQ(change.acquisition_cost_currency, "CNY");

  pv1::ProfileEvent updated;
  *updated.mutable_client_updated()->mutable_client() = *client;
  updated.mutable_client_updated()->mutable_client()->set_version(2);
  updated.mutable_client_updated()->add_changed_fields("tags");
  EXPECT_EQ(OneChangeOf(updated).kind, AggregateChange::Kind::kNone);
  updated.mutable_client_updated()->add_changed_fields("acquisition");
  updated.mutable_client_updated()->mutable_client()->mutable_acquisition()->clear_acquired_at();
  change = OneChangeOf(updated);
  EXPECT_EQ(change.kind, AggregateChange::Kind::kClientKnown);
  EXPECT_EQ(change.client_version, 2);
  EXPECT_EQ(change.acquired_day, kNever);
}

// Interactions are dated too (migration 008): one row per (client, day) with that day's
// counters, the running totals unchanged; a login-less, counter-less interaction adds no row, and
// a client the read erases gets none (erasure deletes its dated rows).
TEST(MergeAggregateChangesTest, InteractionsAddUpInOneRowPerClientAndDay) {
  const MergedAggregateChanges merged = MergeAggregateChanges(
      {Activity("c1", 12, ActivityCounter::kShares), Activity("c1", 10, ActivityCounter::kLogins),
       Activity("c1", 12, ActivityCounter::kEventsAttended),
       Activity("c1", 12, ActivityCounter::kShares), Activity("c2", 3, ActivityCounter::kNone),
       Activity("c3", 5, ActivityCounter::kContentUses),
       OfKind(AggregateChange::Kind::kErased, "c3"), Paid("c4", 7, 100)});

  ASSERT_EQ(merged.interaction_days.size(), 2u);
  const InteractionDayDelta& logins = merged.interaction_days[0];  // (client, day) order
  EXPECT_EQ(logins.client_id, "c1");
  EXPECT_EQ(logins.day, 10);
  EXPECT_EQ(logins.logins, 1);
  EXPECT_EQ(logins.shares, 0);
  const InteractionDayDelta& day12 = merged.interaction_days[1];
  EXPECT_EQ(day12.day, 12);
  EXPECT_EQ(day12.shares, 2);
  EXPECT_EQ(day12.events_attended, 1);
  EXPECT_EQ(day12.content_uses, 0);
  // The running totals are the dated rows' sums.
  ASSERT_EQ(merged.clients.size(), 4u);
  EXPECT_EQ(merged.clients[0].shares, 2);
  EXPECT_EQ(merged.clients[0].logins, 1);
  EXPECT_EQ(merged.clients[0].events_attended, 1);
  // A read of payments only has no interaction day to write.
  EXPECT_TRUE(MergeAggregateChanges({Paid("c4", 7, 100)}).interaction_days.empty());
}

}  // namespace
}  // namespace clienttier::scoring
