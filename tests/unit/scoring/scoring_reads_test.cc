// ScoreReads and the domain parts moved out of storage (event -> aggregate change, tier
// revenue shares), over the fakes.
#include <gtest/gtest.h>

#include "services/scoring/domain/aggregate_change.h"
#include "services/scoring/domain/tier_distribution.h"
#include "tests/support/scoring/fake_scoring_world.h"
#include "tests/unit/scoring/one_change.h"

namespace clienttier::scoring {
namespace {

namespace pv1 = ::clienttier::profile::v1;
using testing::FakeScoringWorld;

TEST(AggregateChangeTest, ASessionIsAPaidOccasionOnItsDay) {
  pv1::ProfileEvent event;
  auto* transaction = event.mutable_transaction_recorded()->mutable_transaction();
  transaction->set_client_id("c1");
  transaction->set_kind(pv1::TRANSACTION_KIND_SESSION);
  transaction->mutable_amount()->set_units(300);
  transaction->mutable_amount()->set_currency("USD");
  *transaction->mutable_occurred_at() = ToProtoTimestamp(3 * kMicrosPerDay + 5);
  const AggregateChange change = OneChangeOf(event);
  EXPECT_EQ(change.kind, AggregateChange::Kind::kPaidOccasion);
  EXPECT_EQ(change.client_id, "c1");
  EXPECT_EQ(change.day, 3);
  EXPECT_EQ(change.purchases, 0);
  EXPECT_EQ(change.sessions, 1);
  EXPECT_EQ(change.spend_minor, 300);
  EXPECT_EQ(change.currency, "USD");
}

TEST(AggregateChangeTest, ATimeBefore1970LandsOnThePreviousDay) {
  pv1::ProfileEvent event;
  auto* interaction = event.mutable_interaction_recorded()->mutable_interaction();
  interaction->set_client_id("c1");
  interaction->set_kind(pv1::INTERACTION_KIND_LOGIN);
  *interaction->mutable_occurred_at() = ToProtoTimestamp(-1);
  const AggregateChange change = OneChangeOf(event);
  EXPECT_EQ(change.kind, AggregateChange::Kind::kActivity);
  EXPECT_EQ(change.day, -1);
  EXPECT_EQ(change.counter, ActivityCounter::kLogins);
  EXPECT_TRUE(change.login);
}

TEST(AggregateChangeTest, ASharedContentCountsAsAShareNotALogin) {
  pv1::ProfileEvent event;
  auto* interaction = event.mutable_interaction_recorded()->mutable_interaction();
  interaction->set_client_id("c1");
  interaction->set_kind(pv1::INTERACTION_KIND_SHARE);
  const AggregateChange change = OneChangeOf(event);
  EXPECT_EQ(change.counter, ActivityCounter::kShares);
  EXPECT_FALSE(change.login);
}

TEST(AggregateChangeTest, CreationAndErasureNameTheirClientAndUpdatesNone) {
  pv1::ProfileEvent created;
  created.mutable_client_created()->mutable_client()->set_client_id("c1");
  EXPECT_EQ(OneChangeOf(created).kind, AggregateChange::Kind::kClientKnown);
  EXPECT_EQ(OneChangeOf(created).client_id, "c1");
  pv1::ProfileEvent erased;
  erased.mutable_client_erased()->set_client_id("c2");
  EXPECT_EQ(OneChangeOf(erased).kind, AggregateChange::Kind::kErased);
  EXPECT_EQ(OneChangeOf(erased).client_id, "c2");
  pv1::ProfileEvent updated;
  updated.mutable_client_updated()->mutable_client()->set_client_id("c3");
  EXPECT_EQ(OneChangeOf(updated).kind, AggregateChange::Kind::kNone);
}

TEST(AggregateChangeTest, AClientsRecordedBatchIsOneChangePerRecordInOrder) {
  pv1::ProfileEvent transactions;
  auto* recorded = transactions.mutable_transactions_recorded();
  recorded->set_client_id("c1");
  for (int64_t units : {300, 500}) {
    auto* transaction = recorded->add_transactions();
    transaction->set_client_id("c1");
    transaction->set_kind(pv1::TRANSACTION_KIND_PURCHASE);
    transaction->mutable_amount()->set_units(units);
    transaction->mutable_amount()->set_currency("CNY");
    *transaction->mutable_occurred_at() = ToProtoTimestamp(units / 100 * kMicrosPerDay);
  }
  auto* refund = recorded->add_transactions();  // refunds the first in full, on its day
  refund->set_client_id("c1");
  refund->set_kind(pv1::TRANSACTION_KIND_REFUND);
  refund->mutable_amount()->set_units(300);
  refund->mutable_amount()->set_currency("CNY");
  *refund->mutable_occurred_at() = ToProtoTimestamp(9 * kMicrosPerDay);
  refund->mutable_refunded()->set_kind(pv1::TRANSACTION_KIND_PURCHASE);
  refund->mutable_refunded()->set_fully_refunded(true);
  *refund->mutable_refunded()->mutable_occurred_at() = ToProtoTimestamp(3 * kMicrosPerDay);
  auto* orphan = recorded->add_transactions();  // a refund naming no original changes nothing
  orphan->set_client_id("c1");
  orphan->set_kind(pv1::TRANSACTION_KIND_REFUND);
  orphan->mutable_amount()->set_units(100);

  const std::vector<AggregateChange> changes = AggregateChangesOf(transactions);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].spend_minor, 300);
  EXPECT_EQ(changes[0].day, 3);
  EXPECT_EQ(changes[0].purchases, 1);
  EXPECT_EQ(changes[1].spend_minor, 500);
  EXPECT_EQ(changes[1].day, 5);
  EXPECT_TRUE(changes[2].refund);
  EXPECT_EQ(changes[2].spend_minor, -300);
  EXPECT_EQ(changes[2].day, 3);
  EXPECT_EQ(changes[2].purchases, -1);
  for (const AggregateChange& change : changes) {
    EXPECT_EQ(change.kind, AggregateChange::Kind::kPaidOccasion);
    EXPECT_EQ(change.client_id, "c1");
  }

  pv1::ProfileEvent interactions;
  interactions.mutable_interactions_recorded()->set_client_id("c2");
  for (auto kind : {pv1::INTERACTION_KIND_LOGIN, pv1::INTERACTION_KIND_CONTENT_USE}) {
    auto* interaction = interactions.mutable_interactions_recorded()->add_interactions();
    interaction->set_client_id("c2");
    interaction->set_kind(kind);
    *interaction->mutable_occurred_at() = ToProtoTimestamp(7 * kMicrosPerDay);
  }
  const std::vector<AggregateChange> activity = AggregateChangesOf(interactions);
  ASSERT_EQ(activity.size(), 2u);
  EXPECT_EQ(activity[0].counter, ActivityCounter::kLogins);
  EXPECT_TRUE(activity[0].login);
  EXPECT_EQ(activity[1].counter, ActivityCounter::kContentUses);
  EXPECT_EQ(activity[1].client_id, "c2");
  EXPECT_EQ(activity[1].day, 7);
}

TEST(TierDistributionTallyTest, RevenueSharesArePerTierOfTheTotal) {
  TierDistributionTally tally;
  tally.Add(1, 4, 1, "champions", 600);
  tally.Add(2, 3, 2, "", 300);
  tally.Add(3, 5, 4, "lost", 100);
  tally.Add(3, 5, 4, "lost", 0);
  EXPECT_EQ(tally.total_clients(), 4);
  EXPECT_DOUBLE_EQ(tally.TierRevenueShare(1), 0.6);
  EXPECT_DOUBLE_EQ(tally.TierRevenueShare(2), 0.3);
  EXPECT_DOUBLE_EQ(tally.TierRevenueShare(3), 0.1);
  EXPECT_EQ(tally.TierClients(3), 2);
  EXPECT_EQ(tally.QuadrantClients(4), 2);
  EXPECT_EQ(tally.LifecycleClients(5), 2);
  EXPECT_EQ(tally.rfm_segments().size(), 2u);  // the empty segment is not counted
  EXPECT_EQ(tally.rfm_segments().at("lost"), 2);
  EXPECT_DOUBLE_EQ(tally.Pareto().back().revenue_share, 1.0);
}

TEST(TierDistributionTallyTest, NoRevenueGivesSharesOfZero) {
  TierDistributionTally tally;
  tally.Add(1, 1, 1, "", 0);
  EXPECT_EQ(tally.TierRevenueShare(1), 0.0);
}

class ScoreReadsTest : public ::testing::Test {
 protected:
  FakeScoringWorld world_;
};

TEST_F(ScoreReadsTest, GetScoreFillsTheCacheOnAMissAndThenReadsIt) {
  world_.scores.SeedScore("t1", "c1", Tier::kT2);
  EXPECT_THROW(world_.reads.GetScore("t1", "nobody"), DomainError);

  EXPECT_EQ(world_.reads.GetScore("t1", "c1").tier(), v1::TIER_T2);
  EXPECT_EQ(world_.transactions.reads, 2);
  ASSERT_EQ(world_.cache.shared.count(ScoreCacheKey("t1", "c1")), 1u);
  world_.scores.scores.clear();  // now only the cache has it
  EXPECT_EQ(world_.reads.GetScore("t1", "c1").tier(), v1::TIER_T2);
  EXPECT_EQ(world_.transactions.reads, 2);

  v1::Score local;
  EXPECT_FALSE(world_.reads.GetScoreWithoutIo("t1", "c1", &local));
  world_.cache.local[ScoreCacheKey("t1", "c1")] = world_.cache.shared[ScoreCacheKey("t1", "c1")];
  EXPECT_TRUE(world_.reads.GetScoreWithoutIo("t1", "c1", &local));
  EXPECT_EQ(local.tier(), v1::TIER_T2);
}

TEST_F(ScoreReadsTest, ListChurnWarningsPagesByClientId) {
  for (const char* id : {"a", "b", "c"}) {
    world_.scores.SeedScore("t1", id, Tier::kT1, /*churn_warning=*/true);
  }
  world_.scores.SeedScore("t1", "d", Tier::kT1, /*churn_warning=*/false);
  const auto first = world_.reads.ListChurnWarnings("t1", "", 2);
  ASSERT_EQ(first.scores_size(), 2);
  EXPECT_EQ(first.page().next_page_token(), "b");
  const auto second = world_.reads.ListChurnWarnings("t1", "b", 2);
  ASSERT_EQ(second.scores_size(), 1);
  EXPECT_EQ(second.scores(0).client_id(), "c");
  EXPECT_TRUE(second.page().next_page_token().empty());
}

TEST_F(ScoreReadsTest, GetTierDistributionNamesItsVersionsAndCurrency) {
  world_.scores.SeedScore("t1", "a", Tier::kT1);
  const auto distribution = world_.reads.GetTierDistribution("t1");
  EXPECT_EQ(distribution.total_clients(), 1);
  ASSERT_EQ(distribution.tiers_size(), 3);
  EXPECT_EQ(distribution.tiers(0).clients(), 1);
  EXPECT_EQ(distribution.tiers(0).revenue_12m().currency(), "CNY");
  EXPECT_EQ(distribution.config_version(), 0);
  EXPECT_FALSE(distribution.has_population());
}

}  // namespace
}  // namespace clienttier::scoring
