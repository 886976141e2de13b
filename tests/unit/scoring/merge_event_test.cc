// A client-profile merge (issue 18 part 5) in scoring: what the event means, and the
// ProfileEventApplier folding the duplicate's aggregates into the survivor exactly once, in
// stream order with the duplicate's own events of the same read, then rescoring the survivor.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/scoring/domain/aggregate_change.h"
#include "services/scoring/domain/aggregate_merge.h"
#include "tests/support/scoring/fake_scoring_world.h"
#include "tests/unit/scoring/one_change.h"

namespace clienttier::scoring {
namespace {

namespace pv1 = ::clienttier::profile::v1;
using testing::FakeScoringWorld;

constexpr char kTenant[] = "t1";

pv1::ProfileEvent Purchase(const std::string& event_id, const std::string& client_id, int64_t units,
                           int days_ago) {
  pv1::ProfileEvent event;
  event.set_event_id(event_id);
  event.set_tenant_id(kTenant);
  auto* transaction = event.mutable_transaction_recorded()->mutable_transaction();
  transaction->set_client_id(client_id);
  transaction->set_kind(pv1::TRANSACTION_KIND_PURCHASE);
  transaction->mutable_amount()->set_units(units);
  transaction->mutable_amount()->set_currency("CNY");
  *transaction->mutable_occurred_at() =
      ToProtoTimestamp(FakeScoringWorld::kNow - days_ago * kMicrosPerDay);
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

TEST(MergeEventMeaningTest, AMergeNamesBothClientsAndIsNoDelta) {
  const AggregateChange change = OneChangeOf(Merged("e", "s", "d"));
  EXPECT_EQ(change.kind, AggregateChange::Kind::kMerged);
  EXPECT_EQ(change.client_id, "d");
  EXPECT_EQ(change.survivor_id, "s");
  // Left to the repository: merged with deltas it would be applied in the wrong order.
  const MergedAggregateChanges merged = MergeAggregateChanges({change});
  EXPECT_TRUE(merged.clients.empty());
  EXPECT_TRUE(merged.paid_days.empty());
}

class MergeApplierTest : public ::testing::Test {
 protected:
  std::optional<ClientFacts> Facts(const std::string& client_id) {
    Transaction transaction;
    return world_.aggregates.LoadFacts(transaction, kTenant, client_id, "CNY",
                                       FakeScoringWorld::kToday);
  }
  const v1::Score* StoredScore(const std::string& client_id) const {
    const auto found = world_.scores.scores.find({kTenant, client_id});
    return found == world_.scores.scores.end() ? nullptr : &found->second.score;
  }

  FakeScoringWorld world_;
};

TEST_F(MergeApplierTest, TheDuplicatesSpendMovesToTheSurvivorOnceAndItsScoreGoes) {
  ASSERT_EQ(
      world_.profile_events.Apply({Purchase("e1", "s", 1000, 40), Purchase("e2", "d", 3000, 5)}),
      2);
  ASSERT_NE(StoredScore("d"), nullptr);
  ASSERT_EQ(world_.profile_events.Apply({Merged("m1", "s", "d")}), 1);
  ASSERT_TRUE(Facts("s").has_value());
  EXPECT_EQ(Facts("s")->spend_minor, 4000);
  EXPECT_EQ(Facts("s")->purchase_count, 2);
  EXPECT_EQ(Facts("s")->last_purchase_day, FakeScoringWorld::kToday - 5);
  EXPECT_FALSE(Facts("d").has_value());  // erased: no facts, no score
  EXPECT_EQ(StoredScore("d"), nullptr);
  ASSERT_NE(StoredScore("s"), nullptr);
  EXPECT_EQ(StoredScore("s")->lifetime_spend().units(), 4000);  // rescored with both

  // Redelivered: nothing counted twice.
  EXPECT_EQ(world_.profile_events.Apply({Merged("m1", "s", "d")}), 0);
  EXPECT_EQ(Facts("s")->spend_minor, 4000);
  EXPECT_EQ(world_.aggregates.merge_calls, 1);
}

TEST_F(MergeApplierTest, TheDuplicatesEventsEarlierInTheSameReadMoveWithIt) {
  ASSERT_EQ(world_.profile_events.Apply({Purchase("e1", "d", 2000, 10), Merged("m1", "s", "d"),
                                         Purchase("e2", "s", 500, 1)}),
            3);
  ASSERT_TRUE(Facts("s").has_value());
  EXPECT_EQ(Facts("s")->spend_minor, 2500);
  EXPECT_EQ(Facts("s")->purchase_count, 2);
  EXPECT_FALSE(Facts("d").has_value());
}

}  // namespace
}  // namespace clienttier::scoring
