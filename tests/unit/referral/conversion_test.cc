// Conversion against the in-memory repositories: a referee's first qualifying purchase
// converts its referral and writes the two-sided rewards once, whatever arrives after it.
#include "services/referral/app/conversion.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "common/errors/domain_error.h"
#include "tests/support/referral/referral_world.h"

namespace clienttier::referral {
namespace {

namespace pv1 = ::clienttier::profile::v1;

constexpr char kTenant[] = "t-1";

class ConversionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RewardRules rules = DefaultRewardRules("CNY");
    rules.referrer_reward_minor = 3'000;
    rules.referee_reward_minor = 2'000;
    rules.qualifying_minimum_minor = 10'000;
    world_.settings.PutRules(kTenant, rules, 0);
    code_ = world_.codes.Issue(kTenant, "alice", false).code();
    referral_id_ = world_.registration.Register(kTenant, code_, "bob").referral->referral_id();
    world_.outbox.events.clear();
  }

  // client-profile's event for a purchase.
  pv1::ProfileEvent PurchaseEvent(const std::string& event_id, const std::string& client_id,
                                  const std::string& transaction_id, int64_t units,
                                  const std::string& currency = "CNY") {
    pv1::ProfileEvent event;
    event.set_event_id(event_id);
    event.set_tenant_id(kTenant);
    pv1::Transaction* transaction = event.mutable_transaction_recorded()->mutable_transaction();
    transaction->set_transaction_id(transaction_id);
    transaction->set_client_id(client_id);
    transaction->mutable_amount()->set_units(units);
    transaction->mutable_amount()->set_currency(currency);
    *transaction->mutable_occurred_at() = ToProtoTimestamp(world_.clock.now - kMicrosPerSecond);
    return event;
  }
  v1::Referral Referral(const std::string& referee) {
    return world_.registration.Find(kTenant, referee);
  }
  const std::vector<std::pair<std::string, v1::Reward>>& Ledger() {
    return world_.reward_repository.ledger;
  }

  testing::ReferralWorld world_;
  std::string code_;
  std::string referral_id_;
};

TEST_F(ConversionTest, FirstQualifyingPurchaseConvertsAndWritesExactlyTwoRewards) {
  EXPECT_EQ(world_.conversion.ApplyProfileEvents({PurchaseEvent("e-1", "bob", "tx-1", 12'000)}), 1);

  const v1::Referral referral = Referral("bob");
  EXPECT_EQ(referral.status(), v1::REFERRAL_STATUS_CONVERTED);
  EXPECT_EQ(referral.conversion_transaction_id(), "tx-1");
  EXPECT_EQ(referral.first_purchase().units(), 12'000);
  EXPECT_EQ(referral.referred_revenue().units(), 12'000);
  EXPECT_EQ(FromProtoTimestamp(referral.converted_at()), world_.clock.now);

  ASSERT_EQ(Ledger().size(), 2u);
  const v1::Reward& referrer = Ledger()[0].second;
  const v1::Reward& referee = Ledger()[1].second;
  EXPECT_EQ(referrer.side(), v1::REWARD_SIDE_REFERRER);
  EXPECT_EQ(referrer.client_id(), "alice");
  EXPECT_EQ(referrer.amount().units(), 3'000);
  EXPECT_EQ(referrer.amount().currency(), "CNY");
  EXPECT_EQ(referee.side(), v1::REWARD_SIDE_REFEREE);
  EXPECT_EQ(referee.client_id(), "bob");
  EXPECT_EQ(referee.amount().units(), 2'000);
  EXPECT_EQ(referrer.referral_id(), referral_id_);
  EXPECT_EQ(referee.referral_id(), referral_id_);

  const testing::FakeReferralRepository::Client alice =
      world_.referral_repository.ClientOf(kTenant, "alice");
  EXPECT_EQ(alice.converted, 1);
  EXPECT_EQ(alice.referred_revenue_minor, 12'000);
  EXPECT_TRUE(world_.referral_repository.ClientOf(kTenant, "bob").first_paid_at.has_value());
  EXPECT_EQ(world_.outbox.Types(),
            (std::vector<std::string>{"referral_converted", "reward_issued"}));

  // The ledger the client reads: its reward and its balance.
  const v1::ListRewardsResponse alices = world_.ledger.List(kTenant, "alice");
  ASSERT_EQ(alices.rewards_size(), 1);
  ASSERT_EQ(alices.balance_size(), 1);
  EXPECT_EQ(alices.balance(0).units(), 3'000);
}

TEST_F(ConversionTest, ASecondPurchaseAddsRevenueButNoReward) {
  world_.conversion.ApplyProfileEvents({PurchaseEvent("e-1", "bob", "tx-1", 12'000)});
  world_.outbox.events.clear();
  EXPECT_EQ(world_.conversion.ApplyProfileEvents({PurchaseEvent("e-2", "bob", "tx-2", 50'000)}), 1);

  EXPECT_EQ(Ledger().size(), 2u);
  EXPECT_TRUE(world_.outbox.events.empty());
  const v1::Referral referral = Referral("bob");
  EXPECT_EQ(referral.conversion_transaction_id(), "tx-1");
  EXPECT_EQ(referral.first_purchase().units(), 12'000);
  EXPECT_EQ(referral.referred_revenue().units(), 62'000);
  const testing::FakeReferralRepository::Client alice =
      world_.referral_repository.ClientOf(kTenant, "alice");
  EXPECT_EQ(alice.converted, 1);
  EXPECT_EQ(alice.referred_revenue_minor, 62'000);
}

TEST_F(ConversionTest, APurchaseMadeBeforeTheConvertingOneAddsNoRevenueWhenItArrivesLater) {
  // Parallel consumers can apply a referee's purchases out of order: the small one was made
  // first (below the minimum), the converting one an hour later, but it arrives after.
  pv1::ProfileEvent converting = PurchaseEvent("e-2", "bob", "tx-2", 15'000);
  pv1::ProfileEvent earlier = PurchaseEvent("e-1", "bob", "tx-1", 9'999);
  *earlier.mutable_transaction_recorded()->mutable_transaction()->mutable_occurred_at() =
      ToProtoTimestamp(world_.clock.now - 3600 * kMicrosPerSecond);
  pv1::ProfileEvent later = PurchaseEvent("e-3", "bob", "tx-3", 4'000);
  EXPECT_EQ(world_.conversion.ApplyProfileEvents({converting}), 1);
  EXPECT_EQ(FromProtoTimestamp(Referral("bob").first_purchase_at()),
            world_.clock.now - kMicrosPerSecond);
  EXPECT_EQ(world_.conversion.ApplyProfileEvents({earlier, later}), 2);

  const v1::Referral referral = Referral("bob");
  EXPECT_EQ(referral.conversion_transaction_id(), "tx-2");
  EXPECT_EQ(referral.referred_revenue().units(), 15'000 + 4'000);  // not the earlier 9,999
  EXPECT_EQ(world_.referral_repository.ClientOf(kTenant, "alice").referred_revenue_minor,
            15'000 + 4'000);
}

TEST_F(ConversionTest, ARedeliveredEventChangesNothing) {
  const pv1::ProfileEvent event = PurchaseEvent("e-1", "bob", "tx-1", 12'000);
  EXPECT_EQ(world_.conversion.ApplyProfileEvents({event}), 1);
  const v1::Referral converted = Referral("bob");
  world_.outbox.events.clear();

  EXPECT_EQ(world_.conversion.ApplyProfileEvents({event}), 0);
  EXPECT_FALSE(world_.conversion.ApplyProfileEvent(event));
  EXPECT_EQ(Ledger().size(), 2u);
  EXPECT_TRUE(world_.outbox.events.empty());
  EXPECT_EQ(Referral("bob").SerializeAsString(), converted.SerializeAsString());
  EXPECT_EQ(world_.referral_repository.ClientOf(kTenant, "alice").referred_revenue_minor, 12'000);
}

TEST_F(ConversionTest, EventsThatMeanNothingToReferralWriteNothingAndAreNotRecorded) {
  pv1::ProfileEvent created;
  created.set_event_id("e-created");
  created.set_tenant_id(kTenant);
  created.mutable_client_created()->mutable_client()->set_client_id("carol");
  pv1::ProfileEvent login;
  login.set_event_id("e-login");
  login.set_tenant_id(kTenant);
  login.mutable_interactions_recorded()->set_client_id("bob");
  login.mutable_interactions_recorded()->add_interactions()->set_client_id("bob");
  pv1::ProfileEvent free_session = PurchaseEvent("e-free", "bob", "tx-0", 0);
  const int transactions_before = world_.transactions.transactions;

  // A read of them only: applied (a no-op), no transaction, no processed id.
  EXPECT_EQ(world_.conversion.ApplyProfileEvents({created, login, free_session}), 3);
  EXPECT_TRUE(world_.conversion.ApplyProfileEvent(created));  // again: still a no-op
  EXPECT_EQ(world_.transactions.transactions, transactions_before);
  EXPECT_TRUE(world_.processed.ids.empty());

  // Beside a purchase, only the purchase is recorded, and only it is a duplicate later.
  const pv1::ProfileEvent purchase = PurchaseEvent("e-1", "bob", "tx-1", 12'000);
  EXPECT_EQ(world_.conversion.ApplyProfileEvents({created, purchase, login}), 3);
  EXPECT_EQ(world_.processed.ids, (std::set<std::string>{"e-1"}));
  EXPECT_EQ(world_.conversion.ApplyProfileEvents({created, purchase, login}), 2);
  EXPECT_EQ(Referral("bob").status(), v1::REFERRAL_STATUS_CONVERTED);
  EXPECT_EQ(Ledger().size(), 2u);
}

TEST_F(ConversionTest, TheSamePurchaseTwiceInOneReadConvertsOnce) {
  EXPECT_EQ(world_.conversion.ApplyProfileEvents({PurchaseEvent("e-1", "bob", "tx-1", 12'000),
                                                  PurchaseEvent("e-1", "bob", "tx-1", 12'000)}),
            1);
  EXPECT_EQ(Ledger().size(), 2u);
  EXPECT_EQ(Referral("bob").referred_revenue().units(), 12'000);
}

TEST_F(ConversionTest, APurchaseBelowTheMinimumDoesNotConvertButMarksThePayer) {
  EXPECT_EQ(world_.conversion.ApplyProfileEvents({PurchaseEvent("e-1", "bob", "tx-1", 9'999)}), 1);
  EXPECT_EQ(Referral("bob").status(), v1::REFERRAL_STATUS_REGISTERED);
  EXPECT_TRUE(Ledger().empty());
  EXPECT_TRUE(world_.outbox.events.empty());
  EXPECT_EQ(world_.referral_repository.ClientOf(kTenant, "alice").converted, 0);
  EXPECT_TRUE(world_.referral_repository.ClientOf(kTenant, "bob").first_paid_at.has_value());

  // The next purchase that reaches it converts.
  world_.conversion.ApplyProfileEvents({PurchaseEvent("e-2", "bob", "tx-2", 10'000)});
  EXPECT_EQ(Referral("bob").conversion_transaction_id(), "tx-2");
  EXPECT_EQ(Ledger().size(), 2u);
}

TEST_F(ConversionTest, APurchaseInAnotherCurrencyDoesNotConvert) {
  world_.conversion.ApplyProfileEvents({PurchaseEvent("e-1", "bob", "tx-1", 50'000, "USD")});
  EXPECT_EQ(Referral("bob").status(), v1::REFERRAL_STATUS_REGISTERED);
  EXPECT_TRUE(Ledger().empty());
}

TEST_F(ConversionTest, AFreeSessionNeitherConvertsNorMakesAPayer) {
  EXPECT_EQ(world_.conversion.ApplyProfileEvents({PurchaseEvent("e-1", "bob", "tx-1", 0)}), 1);
  EXPECT_EQ(Referral("bob").status(), v1::REFERRAL_STATUS_REGISTERED);
  EXPECT_FALSE(world_.referral_repository.ClientOf(kTenant, "bob").first_paid_at.has_value());
}

TEST_F(ConversionTest, AnyPayingClientIsMarkedReferredOrNot) {
  world_.conversion.ApplyProfileEvents(
      {PurchaseEvent("e-1", "zoe", "tx-1", 500), PurchaseEvent("e-2", "yan", "tx-2", 70'000)});
  EXPECT_TRUE(world_.referral_repository.ClientOf(kTenant, "zoe").first_paid_at.has_value());
  EXPECT_TRUE(world_.referral_repository.ClientOf(kTenant, "yan").first_paid_at.has_value());
  EXPECT_TRUE(Ledger().empty());
  EXPECT_EQ(world_.statistics.Stats(kTenant, "").paying_clients(), 2);
}

TEST_F(ConversionTest, ConvertReferralByRpcAnswersEachOutcome) {
  Purchase purchase;
  purchase.client_id = "bob";
  purchase.transaction_id = "tx-9";
  purchase.amount_minor = 1'000;
  purchase.currency = "CNY";
  purchase.occurred_at = world_.clock.now;
  EXPECT_EQ(world_.conversion.Convert(kTenant, purchase).outcome(),
            v1::CONVERSION_OUTCOME_NOT_QUALIFYING);

  purchase.amount_minor = 20'000;
  const v1::ConvertReferralResponse converted = world_.conversion.Convert(kTenant, purchase);
  EXPECT_EQ(converted.outcome(), v1::CONVERSION_OUTCOME_CONVERTED);
  EXPECT_EQ(converted.rewards_size(), 2);

  purchase.transaction_id = "tx-10";
  const v1::ConvertReferralResponse again = world_.conversion.Convert(kTenant, purchase);
  EXPECT_EQ(again.outcome(), v1::CONVERSION_OUTCOME_ALREADY_CONVERTED);
  EXPECT_EQ(again.rewards_size(), 0);
  // Only client-profile's stream adds later purchases to referred revenue.
  EXPECT_EQ(again.referral().referred_revenue().units(), 20'000);
  EXPECT_EQ(Ledger().size(), 2u);

  purchase.client_id = "stranger";
  try {
    world_.conversion.Convert(kTenant, purchase);
    FAIL() << "converted a client nobody referred";
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kNotFound);
  }
}

TEST_F(ConversionTest, TheStreamDoesNotCountTheConvertingPurchaseTwice) {
  // A platform reported the purchase by RPC; client-profile's event of it follows.
  Purchase purchase;
  purchase.client_id = "bob";
  purchase.transaction_id = "tx-1";
  purchase.amount_minor = 12'000;
  purchase.currency = "CNY";
  purchase.occurred_at = world_.clock.now;
  world_.conversion.Convert(kTenant, purchase);
  world_.conversion.ApplyProfileEvents({PurchaseEvent("e-1", "bob", "tx-1", 12'000)});
  EXPECT_EQ(Referral("bob").referred_revenue().units(), 12'000);
  EXPECT_EQ(world_.referral_repository.ClientOf(kTenant, "alice").referred_revenue_minor, 12'000);
  EXPECT_EQ(Ledger().size(), 2u);
}

TEST_F(ConversionTest, TheReferrerCapStopsTheReferrerRewardOnly) {
  RewardRules rules = world_.settings.Rules(kTenant);
  rules.max_rewarded_per_referrer = 1;
  world_.settings.PutRules(kTenant, rules, rules.version);
  world_.registration.Register(kTenant, code_, "carol");

  // Two reads: the second counts the rewards the ledger holds from the first.
  world_.conversion.ApplyProfileEvents({PurchaseEvent("e-1", "bob", "tx-1", 12'000)});
  world_.conversion.ApplyProfileEvents({PurchaseEvent("e-2", "carol", "tx-2", 12'000)});
  ASSERT_EQ(Ledger().size(), 3u);
  int referrer_rewards = 0;
  for (const auto& [tenant, reward] : Ledger()) {
    referrer_rewards += reward.side() == v1::REWARD_SIDE_REFERRER ? 1 : 0;
  }
  EXPECT_EQ(referrer_rewards, 1);
  EXPECT_EQ(world_.referral_repository.ClientOf(kTenant, "alice").converted, 2);
}

// The rows in the order each was first locked.
std::vector<std::string> FirstLocks(const std::vector<std::string>& row_locks) {
  std::vector<std::string> first;
  for (const std::string& row : row_locks) {
    if (std::find(first.begin(), first.end(), row) == first.end()) {
      first.push_back(row);
    }
  }
  return first;
}

// Two consumers whose reads cross (a buyer in one is a referrer in the other) deadlock unless
// each read locks the referral_clients rows it writes in one order: the buyers' and their
// referrers' together, before any count changes.
TEST_F(ConversionTest, AReadLocksItsBuyersAndTheirReferrersInOneClientIdOrder) {
  world_.registration.Register(kTenant, code_, "carol");
  world_.referral_repository.row_locks.clear();

  world_.conversion.ApplyProfileEvents({PurchaseEvent("e-1", "bob", "tx-1", 12'000),
                                        PurchaseEvent("e-2", "aaron", "tx-2", 12'000),
                                        PurchaseEvent("e-3", "carol", "tx-3", 12'000)});

  EXPECT_EQ(FirstLocks(world_.referral_repository.row_locks),
            (std::vector<std::string>{"aaron", "alice", "bob", "carol"}));
  EXPECT_EQ(world_.referral_repository.unlocked_writes, 0);
  EXPECT_EQ(world_.referral_repository.ClientOf(kTenant, "alice").converted, 2);
}

TEST_F(ConversionTest, WithACapTheReferrersAreLockedWithTheBuyersBeforeTheirRewardsAreCounted) {
  RewardRules rules = world_.settings.Rules(kTenant);
  rules.max_rewarded_per_referrer = 1;
  world_.settings.PutRules(kTenant, rules, rules.version);
  world_.registration.Register(kTenant, code_, "carol");
  world_.referral_repository.row_locks.clear();

  world_.conversion.ApplyProfileEvents(
      {PurchaseEvent("e-1", "bob", "tx-1", 12'000), PurchaseEvent("e-2", "carol", "tx-2", 12'000)});

  EXPECT_EQ(FirstLocks(world_.referral_repository.row_locks),
            (std::vector<std::string>{"alice", "bob", "carol"}));
  EXPECT_EQ(Ledger().size(), 3u);  // two referee rewards, one referrer reward under the cap
}

// A referral registered after the read-ahead of referrers: its referrer is not in the first
// pass, so it is locked as soon as the referral is seen, before its counts change.
TEST_F(ConversionTest, AReferrerTheReadAheadMissedIsLockedBeforeItsCountsChange) {
  world_.referral_repository.referrers_hidden = true;
  world_.referral_repository.row_locks.clear();

  world_.conversion.ApplyProfileEvents({PurchaseEvent("e-1", "bob", "tx-1", 12'000)});

  EXPECT_EQ(world_.referral_repository.row_locks, (std::vector<std::string>{"bob", "alice"}));
  EXPECT_EQ(world_.referral_repository.unlocked_writes, 0);
  EXPECT_EQ(world_.referral_repository.ClientOf(kTenant, "alice").converted, 1);
}

}  // namespace
}  // namespace clienttier::referral
