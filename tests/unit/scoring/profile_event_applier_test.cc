// ProfileEventApplier over the in-memory fakes: exactly-once application, one rescore per
// touched client, erasure.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/errors/domain_error.h"
#include "tests/support/scoring/fake_scoring_world.h"

namespace clienttier::scoring {
namespace {

namespace pv1 = ::clienttier::profile::v1;
using testing::FakeScoringWorld;

constexpr char kTenant[] = "t1";

pv1::ProfileEvent Purchase(const std::string& event_id, const std::string& client_id, int64_t units,
                           int days_ago, const std::string& tenant_id = kTenant) {
  pv1::ProfileEvent event;
  event.set_event_id(event_id);
  event.set_tenant_id(tenant_id);
  auto* transaction = event.mutable_transaction_recorded()->mutable_transaction();
  transaction->set_client_id(client_id);
  transaction->set_kind(pv1::TRANSACTION_KIND_PURCHASE);
  transaction->mutable_amount()->set_units(units);
  transaction->mutable_amount()->set_currency("CNY");
  *transaction->mutable_occurred_at() =
      ToProtoTimestamp(FakeScoringWorld::kNow - days_ago * kMicrosPerDay);
  return event;
}

pv1::ProfileEvent Erased(const std::string& event_id, const std::string& client_id) {
  pv1::ProfileEvent event;
  event.set_event_id(event_id);
  event.set_tenant_id(kTenant);
  event.mutable_client_erased()->set_client_id(client_id);
  return event;
}

class ProfileEventApplierTest : public ::testing::Test {
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
  int Writes(const std::string& client_id) const {
    const auto found = world_.scores.upserts_by_client.find({kTenant, client_id});
    return found == world_.scores.upserts_by_client.end() ? 0 : found->second;
  }

  FakeScoringWorld world_;
};

TEST_F(ProfileEventApplierTest, APurchaseUpdatesTheAggregatesAndRescoresTheClient) {
  world_.cache.shared[ScoreCacheKey(kTenant, "c1")] = v1::Score();  // a stale cached score

  EXPECT_EQ(world_.profile_events.Apply({Purchase("e1", "c1", 12000, 3)}), 1);

  const auto facts = Facts("c1");
  ASSERT_TRUE(facts);
  EXPECT_EQ(facts->purchase_count, 1);
  EXPECT_EQ(facts->spend_minor, 12000);
  EXPECT_EQ(facts->last_purchase_day, FakeScoringWorld::kToday - 3);
  const v1::Score* score = StoredScore("c1");
  ASSERT_NE(score, nullptr);
  EXPECT_EQ(score->lifetime_purchases(), 1);
  EXPECT_EQ(score->lifetime_spend().units(), 12000);
  EXPECT_EQ(FromProtoTimestamp(score->as_of()), FakeScoringWorld::kNow);
  EXPECT_EQ(world_.cache.shared.count(ScoreCacheKey(kTenant, "c1")), 0u);
  EXPECT_EQ(world_.transactions.transactions, 1);  // dedupe, aggregates and score together
  EXPECT_TRUE(world_.outbox.events.empty());       // a first score is no tier change
}

TEST_F(ProfileEventApplierTest, ARedeliveredEventChangesNothing) {
  const pv1::ProfileEvent event = Purchase("e1", "c1", 12000, 3);
  ASSERT_EQ(world_.profile_events.Apply({event}), 1);
  const std::string before = StoredScore("c1")->SerializeAsString();

  EXPECT_EQ(world_.profile_events.Apply({event}), 0);
  EXPECT_FALSE(world_.profile_events.ApplyOne(event));

  EXPECT_EQ(Facts("c1")->purchase_count, 1);
  EXPECT_EQ(Facts("c1")->spend_minor, 12000);
  EXPECT_EQ(world_.aggregates.apply_calls, 1);
  EXPECT_EQ(Writes("c1"), 1);
  EXPECT_EQ(StoredScore("c1")->SerializeAsString(), before);
}

TEST_F(ProfileEventApplierTest, ARedeliveryInsideANewReadAppliesOnlyTheNewEvents) {
  ASSERT_EQ(world_.profile_events.Apply({Purchase("e1", "c1", 1000, 9)}), 1);
  EXPECT_EQ(
      world_.profile_events.Apply({Purchase("e1", "c1", 1000, 9), Purchase("e2", "c1", 2000, 2)}),
      1);
  EXPECT_EQ(Facts("c1")->purchase_count, 2);
  EXPECT_EQ(Facts("c1")->spend_minor, 3000);
}

TEST_F(ProfileEventApplierTest, SeveralEventsOfOneClientRescoreItOnce) {
  EXPECT_EQ(
      world_.profile_events.Apply({Purchase("e1", "c1", 1000, 30), Purchase("e2", "c1", 2000, 20),
                                   Purchase("e3", "c2", 500, 5), Purchase("e4", "c1", 4000, 1)}),
      4);

  EXPECT_EQ(Writes("c1"), 1);
  EXPECT_EQ(Writes("c2"), 1);
  EXPECT_EQ(world_.scores.get_for_update_calls, 1);  // one read for the tenant's clients
  EXPECT_EQ(world_.aggregates.load_for_calls, 1);
  EXPECT_EQ(StoredScore("c1")->lifetime_purchases(), 3);
  EXPECT_EQ(StoredScore("c1")->lifetime_spend().units(), 7000);
  EXPECT_EQ(StoredScore("c2")->lifetime_purchases(), 1);
}

TEST_F(ProfileEventApplierTest, AClientsRecordedBatchAppliesLikeItsTransactionsOnceEach) {
  // One TransactionsRecorded with c1's three purchases, as client-profile publishes a batch.
  pv1::ProfileEvent batch;
  batch.set_event_id("b1");
  batch.set_tenant_id(kTenant);
  batch.mutable_transactions_recorded()->set_client_id("c1");
  for (const auto& [units, days_ago] : {std::pair{1000, 30}, {2000, 20}, {4000, 1}}) {
    *batch.mutable_transactions_recorded()->add_transactions() =
        Purchase("", "c1", units, days_ago).transaction_recorded().transaction();
  }
  ASSERT_EQ(world_.profile_events.Apply({batch, Purchase("e1", "c2", 500, 5)}), 2);
  EXPECT_EQ(world_.profile_events.Apply({batch}), 0);  // redelivered: nothing twice

  EXPECT_EQ(Facts("c1")->purchase_count, 3);
  EXPECT_EQ(Facts("c1")->spend_minor, 7000);
  EXPECT_EQ(Facts("c1")->last_purchase_day, FakeScoringWorld::kToday - 1);
  EXPECT_EQ(Writes("c1"), 1);
  EXPECT_EQ(StoredScore("c1")->lifetime_purchases(), 3);
  EXPECT_EQ(StoredScore("c1")->lifetime_spend().units(), 7000);
  EXPECT_EQ(StoredScore("c2")->lifetime_purchases(), 1);
}

TEST_F(ProfileEventApplierTest, AReadIsOneAggregateWritePerTenantWithEveryEventCounted) {
  std::vector<pv1::ProfileEvent> events;
  for (int i = 0; i < 30; ++i) {
    events.push_back(
        Purchase("e" + std::to_string(i), "c" + std::to_string(i % 3), 100 + i, i % 4));
  }
  events.push_back(Purchase("x1", "c0", 5000, 1, "t2"));
  ASSERT_EQ(world_.profile_events.Apply(events), 31);

  EXPECT_EQ(world_.aggregates.apply_calls, 2);  // t1 and t2, not one per event
  int64_t spend = 0;
  int64_t purchases = 0;
  for (const std::string client_id : {"c0", "c1", "c2"}) {
    spend += Facts(client_id)->spend_minor;
    purchases += Facts(client_id)->purchase_count;
  }
  EXPECT_EQ(purchases, 30);
  EXPECT_EQ(spend, 30 * 100 + 29 * 30 / 2);
  EXPECT_EQ(Facts("c0")->purchase_count, 10);
  EXPECT_EQ(Facts("c0")->last_purchase_day, FakeScoringWorld::kToday);
  EXPECT_EQ(world_.scores.scores.at({"t2", "c0"}).score.lifetime_spend().units(), 5000);
}

TEST_F(ProfileEventApplierTest, EachTenantOfAReadIsRescoredOnItsOwn) {
  EXPECT_EQ(world_.profile_events.Apply(
                {Purchase("e1", "c1", 1000, 3), Purchase("e2", "c1", 9000, 3, "t2")}),
            2);
  EXPECT_EQ(world_.scores.scores.at({kTenant, "c1"}).score.lifetime_spend().units(), 1000);
  EXPECT_EQ(world_.scores.scores.at({"t2", "c1"}).score.lifetime_spend().units(), 9000);
  EXPECT_EQ(world_.scores.get_for_update_calls, 2);
}

TEST_F(ProfileEventApplierTest, AnErasedClientLosesItsScore) {
  ASSERT_EQ(world_.profile_events.Apply({Purchase("e1", "c1", 12000, 3)}), 1);
  ASSERT_NE(StoredScore("c1"), nullptr);
  world_.cache.shared[ScoreCacheKey(kTenant, "c1")] = *StoredScore("c1");

  EXPECT_EQ(world_.profile_events.Apply({Erased("e2", "c1")}), 1);

  EXPECT_FALSE(Facts("c1"));
  EXPECT_EQ(StoredScore("c1"), nullptr);
  ASSERT_EQ(world_.scores.deleted.size(), 1u);
  EXPECT_EQ(world_.scores.deleted[0].second, "c1");
  EXPECT_EQ(world_.cache.shared.count(ScoreCacheKey(kTenant, "c1")), 0u);
  // A later purchase of the erased client scores nothing.
  EXPECT_EQ(world_.profile_events.Apply({Purchase("e3", "c1", 500, 1)}), 1);
  EXPECT_EQ(StoredScore("c1"), nullptr);
}

TEST_F(ProfileEventApplierTest, AnEventScoringDoesNotReadIsCountedButTouchesNothing) {
  pv1::ProfileEvent update;
  update.set_event_id("e1");
  update.set_tenant_id(kTenant);
  update.mutable_client_updated()->mutable_client()->set_client_id("c1");

  EXPECT_EQ(world_.profile_events.Apply({update}), 1);
  EXPECT_EQ(world_.aggregates.apply_calls, 0);
  EXPECT_TRUE(world_.scores.scores.empty());
  EXPECT_EQ(world_.processed.ids.count("e1"), 1u);
}

TEST_F(ProfileEventApplierTest, ATierMoveIsRecordedAndEmittedWithTheRescore) {
  world_.aggregates.AddBuyer(kTenant, "c1", 1, 1000, FakeScoringWorld::kToday - 300);
  world_.scores.SeedScore(kTenant, "c1", Tier::kT3);
  std::vector<pv1::ProfileEvent> events;
  for (int i = 0; i < 12; ++i) {
    events.push_back(Purchase("e" + std::to_string(i), "c1", 900000, 1 + 7 * i));
  }
  ASSERT_EQ(world_.profile_events.Apply(events), 12);

  const v1::Score* score = StoredScore("c1");
  ASSERT_NE(score, nullptr);
  ASSERT_NE(score->tier(), v1::TIER_T3) << "a big spender is promoted at once";
  ASSERT_EQ(world_.scores.history.size(), 1u);
  EXPECT_EQ(world_.scores.history[0].change.from_tier(), v1::TIER_T3);
  EXPECT_EQ(world_.scores.history[0].change.to_tier(), score->tier());
  EXPECT_EQ(world_.outbox.CountOfType("tier_changed"), 1);
  EXPECT_EQ(world_.outbox.events[0].invalidate_key, ScoreCacheKey(kTenant, "c1"));
}

// Rescoring under a backlog (RescoreDeferral): a read of backlog_read_size events or more
// queues its clients; RescoreQueued rescores them once a read is not a backlog read.
// The applier of a replica with two consumers: two partitions of its clients.
class PartitionedApplyTest : public ProfileEventApplierTest {
 protected:
  PartitionedApplyTest() {
    world_.aggregates.on_apply = [this](const std::string&, const MergedAggregateChanges& changes) {
      std::set<std::string> clients;
      for (const ClientDelta& client : changes.clients) {
        clients.insert(client.client_id);
      }
      written_.push_back(clients);
      ++writes_;
    };
  }
  // `n` client ids of `partition`.
  std::vector<std::string> ClientsOf(int partition, int n) const {
    std::vector<std::string> clients;
    for (int i = 0; static_cast<int>(clients.size()) < n; ++i) {
      const std::string client_id = "c" + std::to_string(i);
      if (partitions_.PartitionOf(client_id) == partition) {
        clients.push_back(client_id);
      }
    }
    return clients;
  }
  // Two purchases of each client, the partitions' clients interleaved.
  static std::vector<pv1::ProfileEvent> Read(const std::vector<std::string>& a,
                                             const std::vector<std::string>& b) {
    std::vector<pv1::ProfileEvent> events;
    for (int round = 0; round < 2; ++round) {
      for (size_t i = 0; i < a.size(); ++i) {
        for (const std::string& client_id : {a[i], b[i]}) {
          events.push_back(Purchase("e" + std::to_string(round) + client_id, client_id, 100, 1));
        }
      }
    }
    return events;
  }
  std::set<int> PartitionsOf(const std::set<std::string>& clients) const {
    std::set<int> partitions;
    for (const std::string& client_id : clients) {
      partitions.insert(partitions_.PartitionOf(client_id));
    }
    return partitions;
  }

  ClientPartitions partitions_{2};
  ProfileEventApplier applier_{
      world_.transactions,  world_.processed, world_.aggregates, world_.calculator, world_.rescorer,
      world_.rescore_queue, world_.cache,     world_.clock,      RescoreDeferral{}, &partitions_};
  std::vector<std::set<std::string>> written_;  // the clients of each ApplyMany
  std::atomic<int> writes_{0};
};

TEST_F(PartitionedApplyTest, AReadIsOneTransactionPerPartitionOfItsClients) {
  const std::vector<std::string> first = ClientsOf(0, 3);
  const std::vector<std::string> second = ClientsOf(1, 3);

  ASSERT_EQ(applier_.Apply(Read(first, second)), 12);

  EXPECT_EQ(world_.transactions.transactions, 2);
  ASSERT_EQ(written_.size(), 2u);
  EXPECT_EQ(written_[0], std::set<std::string>(first.begin(), first.end()));
  EXPECT_EQ(written_[1], std::set<std::string>(second.begin(), second.end()));
  for (const auto& clients : {first, second}) {
    for (const std::string& client_id : clients) {
      EXPECT_EQ(Facts(client_id)->purchase_count, 2) << client_id;
      EXPECT_EQ(StoredScore(client_id)->lifetime_purchases(), 2) << client_id;
      EXPECT_EQ(Writes(client_id), 1) << client_id;  // each client rescored once
    }
  }
  // A redelivery of the whole read: nothing counted twice, in either part.
  EXPECT_EQ(applier_.Apply(Read(first, second)), 0);
  EXPECT_EQ(Facts(first[0])->purchase_count, 2);
  EXPECT_EQ(Facts(second[0])->purchase_count, 2);
}

TEST_F(PartitionedApplyTest, AReadWithAMergeStaysWhole) {
  const std::string survivor = ClientsOf(0, 1)[0];
  const std::string duplicate = ClientsOf(1, 1)[0];
  ASSERT_EQ(applier_.Apply({Purchase("p1", survivor, 100, 2), Purchase("p2", duplicate, 300, 1)}),
            2);
  pv1::ProfileEvent merged;
  merged.set_event_id("m1");
  merged.set_tenant_id(kTenant);
  merged.mutable_clients_merged()->set_survivor_client_id(survivor);
  merged.mutable_clients_merged()->set_duplicate_client_id(duplicate);
  const int before = world_.transactions.transactions;

  ASSERT_EQ(applier_.Apply({Purchase("p3", duplicate, 500, 1), merged}), 2);

  EXPECT_EQ(world_.transactions.transactions - before, 1);
  EXPECT_EQ(Facts(survivor)->purchase_count, 3);  // the duplicate's, the later one included
  EXPECT_EQ(Facts(survivor)->spend_minor, 900);
  EXPECT_EQ(StoredScore(duplicate), nullptr);
}

TEST_F(PartitionedApplyTest, AConsumerAppliesThePartThatTheOtherIsNotApplyingFirst) {
  const std::vector<std::string> first = ClientsOf(0, 2);
  const std::vector<std::string> second = ClientsOf(1, 2);
  // The other consumer applies partition 0's clients meanwhile.
  std::optional<ClientPartitions::Held> other(partitions_.HoldAnyOf({0}));
  std::thread consumer([&] { applier_.Apply(Read(first, second)); });
  for (int waited_ms = 0; writes_.load() == 0 && waited_ms < 10000; ++waited_ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(writes_.load(), 1);
  EXPECT_EQ(PartitionsOf(written_[0]), std::set<int>{1});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(writes_.load(), 1);  // partition 0's part waits for the other consumer

  other.reset();
  consumer.join();
  ASSERT_EQ(written_.size(), 2u);
  EXPECT_EQ(PartitionsOf(written_[1]), std::set<int>{0});
  EXPECT_EQ(Facts(first[0])->purchase_count, 2);
}

class DeferredRescoreTest : public ProfileEventApplierTest {
 protected:
  // Unless a test says otherwise, the stream counts as quiet as soon as a read is applied.
  static RescoreDeferral Deferral(std::chrono::milliseconds max_defer,
                                  std::chrono::milliseconds caught_up_after,
                                  std::chrono::milliseconds quiet_after,
                                  std::chrono::milliseconds drain_budget) {
    RescoreDeferral deferral;
    deferral.backlog_read_size = 3;
    deferral.max_defer = max_defer;
    deferral.caught_up_after = caught_up_after;
    deferral.clients_per_transaction = 2;
    deferral.quiet_after = quiet_after;
    deferral.clients_while_reading = 1;
    deferral.drain_budget = drain_budget;
    return deferral;
  }
  ProfileEventApplier Applier(
      std::chrono::milliseconds max_defer = std::chrono::hours(1),
      std::chrono::milliseconds caught_up_after = std::chrono::hours(1),
      std::chrono::milliseconds quiet_after = std::chrono::milliseconds(0),
      std::chrono::milliseconds drain_budget = std::chrono::milliseconds(0)) {
    return ProfileEventApplier(world_.transactions, world_.processed, world_.aggregates,
                               world_.calculator, world_.rescorer, world_.rescore_queue,
                               world_.cache, world_.clock,
                               Deferral(max_defer, caught_up_after, quiet_after, drain_budget));
  }
  // Caught up and quiet (a drain takes the whole queue), waiting for `jobs`.
  ProfileEventApplier QuietApplierWaitingFor(TenantJobsRunning* jobs) {
    RescoreDeferral deferral = Deferral(std::chrono::hours(1), std::chrono::milliseconds(0),
                                        std::chrono::milliseconds(0), std::chrono::hours(1));
    deferral.jobs = jobs;
    return ProfileEventApplier(world_.transactions, world_.processed, world_.aggregates,
                               world_.calculator, world_.rescorer, world_.rescore_queue,
                               world_.cache, world_.clock, deferral);
  }
  std::vector<std::pair<std::string, std::string>> Queued() const {
    return {world_.rescore_queue.queued.begin(), world_.rescore_queue.queued.end()};
  }
};

TEST_F(DeferredRescoreTest, ABacklogReadAppliesItsEventsAndQueuesItsClientsOnce) {
  ProfileEventApplier applier = Applier();
  ASSERT_EQ(applier.Apply({Purchase("e1", "c1", 1000, 5), Purchase("e2", "c2", 2000, 4),
                           Purchase("e3", "c1", 3000, 1)}),
            3);

  EXPECT_EQ(Facts("c1")->spend_minor, 4000);  // applied...
  EXPECT_EQ(Facts("c2")->spend_minor, 2000);
  EXPECT_EQ(StoredScore("c1"), nullptr);  // ...but not rescored yet
  EXPECT_EQ(StoredScore("c2"), nullptr);
  using Entry = std::pair<std::string, std::string>;
  EXPECT_EQ(Queued(), (std::vector<Entry>{{kTenant, "c1"}, {kTenant, "c2"}}));
  EXPECT_EQ(applier.RescoreQueued(10), 0);  // still behind: waits up to max_defer

  // A read below backlog_read_size: its client is rescored at once, the queue after it.
  ASSERT_EQ(applier.Apply({Purchase("e4", "c3", 500, 1)}), 1);
  EXPECT_EQ(StoredScore("c3")->lifetime_spend().units(), 500);
  EXPECT_EQ(applier.RescoreQueued(10), 2);
  EXPECT_TRUE(Queued().empty());
  EXPECT_EQ(StoredScore("c1")->lifetime_purchases(), 2);
  EXPECT_EQ(StoredScore("c1")->lifetime_spend().units(), 4000);
  EXPECT_EQ(StoredScore("c2")->lifetime_spend().units(), 2000);
  EXPECT_EQ(Writes("c1"), 1);  // one rescore for both of its purchases
}

TEST_F(DeferredRescoreTest, TheQueueIsRescoredInTransactionsOfBoundedSize) {
  ProfileEventApplier applier = Applier();
  ASSERT_EQ(applier.Apply({Purchase("e1", "c1", 100, 1), Purchase("e2", "c2", 100, 1),
                           Purchase("e3", "c3", 100, 1), Purchase("e4", "c4", 100, 1),
                           Purchase("e5", "c5", 100, 1)}),
            5);
  ASSERT_EQ(applier.Apply({Purchase("e6", "c6", 100, 1)}), 1);
  const int transactions_before = world_.transactions.transactions;

  EXPECT_EQ(applier.RescoreQueued(2), 4);  // two transactions of two clients
  EXPECT_EQ(world_.transactions.transactions - transactions_before, 2);
  EXPECT_EQ(Queued().size(), 1u);
  EXPECT_EQ(applier.RescoreQueued(2), 1);
  EXPECT_TRUE(Queued().empty());
  // Found empty, and nothing queued since: no transaction at all (it runs between every read).
  const int transactions_after = world_.transactions.transactions;
  EXPECT_EQ(applier.RescoreQueued(2), 0);
  EXPECT_EQ(world_.transactions.transactions, transactions_after);
  for (const std::string client_id : {"c1", "c2", "c3", "c4", "c5", "c6"}) {
    EXPECT_NE(StoredScore(client_id), nullptr) << client_id;
  }
}

TEST_F(DeferredRescoreTest, WhileReadsKeepComingATurnRescoresSmallTransactionsForItsBudget) {
  // Caught up (the backlog read is long past: caught_up_after 0) but reads keep coming; a
  // budget of 0 ends the turn after its first transaction.
  ProfileEventApplier applier =
      Applier(std::chrono::hours(1), std::chrono::milliseconds(0), std::chrono::hours(1));
  ASSERT_EQ(applier.Apply({Purchase("e1", "c1", 100, 1), Purchase("e2", "c2", 100, 1),
                           Purchase("e3", "c3", 100, 1)}),
            3);
  ASSERT_EQ(applier.Apply({Purchase("e4", "c4", 100, 1)}), 1);  // rescored at once
  const int transactions_before = world_.transactions.transactions;

  // One transaction of one client (clients_while_reading), however many were asked.
  EXPECT_EQ(applier.RescoreQueued(10), 1);
  EXPECT_EQ(world_.transactions.transactions - transactions_before, 1);
  EXPECT_EQ(Queued().size(), 2u);
  EXPECT_EQ(applier.RescoreQueued(10), 1);
  EXPECT_EQ(applier.RescoreQueued(10), 1);
  EXPECT_TRUE(Queued().empty());
  for (const std::string client_id : {"c1", "c2", "c3"}) {
    EXPECT_EQ(StoredScore(client_id)->lifetime_purchases(), 1) << client_id;
  }
}

TEST_F(DeferredRescoreTest, WithinItsBudgetATurnGoesOnUntilTheQueueIsEmpty) {
  ProfileEventApplier applier = Applier(std::chrono::hours(1), std::chrono::milliseconds(0),
                                        std::chrono::hours(1), std::chrono::hours(1));
  ASSERT_EQ(applier.Apply({Purchase("e1", "c1", 100, 1), Purchase("e2", "c2", 100, 1),
                           Purchase("e3", "c3", 100, 1)}),
            3);
  const int transactions_before = world_.transactions.transactions;
  // Three transactions of one client, and a fourth finds the queue empty; max_transactions
  // (1 here) bounds only a quiet stream's drain.
  EXPECT_EQ(applier.RescoreQueued(1), 3);
  EXPECT_EQ(world_.transactions.transactions - transactions_before, 4);
  EXPECT_TRUE(Queued().empty());
}

TEST_F(DeferredRescoreTest, AConsumerThatStaysBehindStillRescoresAfterMaxDefer) {
  ProfileEventApplier applier = Applier(std::chrono::milliseconds(0));
  ASSERT_EQ(applier.Apply({Purchase("e1", "c1", 100, 1), Purchase("e2", "c2", 100, 1),
                           Purchase("e3", "c3", 100, 1)}),
            3);
  // Still behind: one transaction (two clients) per call, however many were asked for.
  EXPECT_EQ(applier.RescoreQueued(10), 2);
  EXPECT_EQ(Queued().size(), 1u);
  EXPECT_EQ(applier.RescoreQueued(10), 1);
  EXPECT_TRUE(Queued().empty());
}

TEST_F(DeferredRescoreTest, AStreamThatWentQuietAfterABacklogReadCountsAsCaughtUp) {
  // The last read was full and no read came after it (caught_up_after 0: at once): the whole
  // queue is rescored, not one transaction per max_defer.
  ProfileEventApplier applier = Applier(std::chrono::hours(1), std::chrono::milliseconds(0));
  ASSERT_EQ(applier.Apply({Purchase("e1", "c1", 100, 1), Purchase("e2", "c2", 100, 1),
                           Purchase("e3", "c3", 100, 1)}),
            3);
  EXPECT_EQ(applier.RescoreQueued(10), 3);
  EXPECT_TRUE(Queued().empty());
}

TEST_F(DeferredRescoreTest, TheQueueWaitsWhileATenantWideJobRunsAndDrainsAfterIt) {
  TenantJobsRunning jobs;
  ProfileEventApplier applier = QuietApplierWaitingFor(&jobs);
  ASSERT_EQ(applier.Apply({Purchase("e1", "c1", 100, 1), Purchase("e2", "c2", 100, 1),
                           Purchase("e3", "c3", 100, 1)}),
            3);
  {
    const TenantJobsRunning::Job fit(&jobs);
    const TenantJobsRunning::Job rescore(&jobs);
    EXPECT_EQ(applier.RescoreQueued(10), 0);
    EXPECT_EQ(Queued().size(), 3u);
  }
  EXPECT_EQ(applier.RescoreQueued(10), 3);  // both jobs ended: the queue goes on
  EXPECT_TRUE(Queued().empty());
}

TEST_F(DeferredRescoreTest, ABatchRescoreThatStartsDuringADrainStopsItButAFitDoesNot) {
  TenantJobsRunning jobs;
  ProfileEventApplier applier = QuietApplierWaitingFor(&jobs);
  ASSERT_EQ(applier.Apply({Purchase("e1", "c1", 100, 1), Purchase("e2", "c2", 100, 1),
                           Purchase("e3", "c3", 100, 1), Purchase("e4", "c4", 100, 1),
                           Purchase("e5", "c5", 100, 1), Purchase("e6", "c6", 100, 1),
                           Purchase("e7", "c7", 100, 1)}),
            7);
  constexpr int kQuietDrain = std::numeric_limits<int>::max();
  // A fit that starts during the drain's first transaction: the drain goes on to the end.
  std::optional<TenantJobsRunning::Job> fit;
  world_.rescore_queue.while_taking = [&] { fit.emplace(&jobs); };
  EXPECT_EQ(applier.RescoreQueued(kQuietDrain), 7);
  EXPECT_TRUE(Queued().empty());
  fit.reset();

  ASSERT_EQ(applier.Apply({Purchase("e8", "c1", 100, 1), Purchase("e9", "c2", 100, 1),
                           Purchase("e10", "c3", 100, 1), Purchase("e11", "c4", 100, 1),
                           Purchase("e12", "c5", 100, 1)}),
            5);
  // A BatchRescore that starts during the first transaction stops the drain after it.
  std::optional<TenantJobsRunning::Job> rescore;
  world_.rescore_queue.while_taking = [&] { rescore.emplace(&jobs, /*takes_over_queue=*/true); };
  EXPECT_EQ(applier.RescoreQueued(kQuietDrain), 2);
  EXPECT_EQ(Queued().size(), 3u);
  EXPECT_EQ(applier.RescoreQueued(kQuietDrain), 0);  // nothing starts while it runs
  rescore.reset();
  EXPECT_EQ(applier.RescoreQueued(kQuietDrain), 3);  // the queue was left as not drained
  EXPECT_TRUE(Queued().empty());
}

// Two consumers share the applier. One takes c1 and c2 and its transaction then fails (a
// deadlock past its retries); meanwhile the other found only c3 unlocked, took it and, with
// fewer than a transaction's worth, recorded the queue as empty. The failed turn must leave the
// next turn looking again: nothing else would queue c1 and c2 once the stream went quiet, and
// their scores would stay behind their events for good (a 20,000-client demo waited 300 s for 4
// of 50 clients).
TEST_F(DeferredRescoreTest, ATurnThatFailsLeavesItsClientsForTheNextThoughAnotherFoundNone) {
  ProfileEventApplier applier = Applier(std::chrono::hours(1), std::chrono::milliseconds(0));
  ASSERT_EQ(applier.Apply({Purchase("e1", "c1", 100, 1), Purchase("e2", "c2", 100, 1),
                           Purchase("e3", "c3", 100, 1)}),
            3);
  int other_rescored = -1;
  world_.rescore_queue.while_taking = [&] {
    other_rescored = applier.RescoreQueued(10);
    throw DomainError(ErrorKind::kConflict, "Deadlock found when trying to get lock");
  };
  EXPECT_THROW(applier.RescoreQueued(10), DomainError);
  EXPECT_EQ(other_rescored, 1);
  EXPECT_EQ(StoredScore("c3")->lifetime_purchases(), 1);
  using Entry = std::pair<std::string, std::string>;
  ASSERT_EQ(Queued(), (std::vector<Entry>{{kTenant, "c1"}, {kTenant, "c2"}}));

  EXPECT_EQ(applier.RescoreQueued(10), 2);
  EXPECT_TRUE(Queued().empty());
  EXPECT_EQ(StoredScore("c1")->lifetime_purchases(), 1);
  EXPECT_EQ(StoredScore("c2")->lifetime_purchases(), 1);
}

TEST_F(DeferredRescoreTest, AnErasedClientLosesItsScoreAtOnceAndLeavesTheQueue) {
  ProfileEventApplier applier = Applier();
  ASSERT_EQ(applier.Apply({Purchase("e1", "c1", 1000, 5)}), 1);
  ASSERT_NE(StoredScore("c1"), nullptr);
  ASSERT_EQ(applier.Apply({Purchase("e2", "c1", 100, 1), Purchase("e3", "c2", 100, 1),
                           Purchase("e4", "c3", 100, 1)}),
            3);
  ASSERT_EQ(Queued().size(), 3u);

  // A backlog read with c1's erasure: gone now, not at the next rescore of the queue.
  ASSERT_EQ(applier.Apply(
                {Erased("e5", "c1"), Purchase("e6", "c2", 100, 1), Purchase("e7", "c4", 100, 1)}),
            3);
  EXPECT_EQ(StoredScore("c1"), nullptr);
  using Entry = std::pair<std::string, std::string>;
  EXPECT_EQ(Queued(), (std::vector<Entry>{{kTenant, "c2"}, {kTenant, "c3"}, {kTenant, "c4"}}));
}

}  // namespace
}  // namespace clienttier::scoring
