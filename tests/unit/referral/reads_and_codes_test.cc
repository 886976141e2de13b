// Codes, invitations, settings and the statistics reads against the in-memory repositories.
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "common/errors/domain_error.h"
#include "tests/support/referral/referral_world.h"

namespace clienttier::referral {
namespace {

constexpr char kTenant[] = "t-1";

ErrorKind KindOf(const std::function<void()>& call) {
  try {
    call();
  } catch (const DomainError& error) {
    return error.kind();
  }
  ADD_FAILURE() << "no error";
  return ErrorKind::kInternal;
}

class UseCaseTest : public ::testing::Test {
 protected:
  testing::ReferralWorld world_;
};

TEST_F(UseCaseTest, IssuingAgainReturnsTheActiveCodeAndRotatingReplacesIt) {
  const v1::ReferralCode first = world_.codes.Issue(kTenant, "alice", false);
  EXPECT_EQ(first.status(), v1::CODE_STATUS_ACTIVE);
  EXPECT_EQ(first.code().size(), 10u);
  EXPECT_EQ(world_.codes.Issue(kTenant, "alice", false).code(), first.code());

  const v1::ReferralCode rotated = world_.codes.Issue(kTenant, "alice", true);
  EXPECT_NE(rotated.code(), first.code());
  Transaction transaction;
  std::optional<StoredCode> old =
      world_.code_repository.Find(transaction, first.code(), /*lock_shared=*/false);
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->code.status(), v1::CODE_STATUS_REVOKED);
}

TEST_F(UseCaseTest, ATakenCodeIsDrawnAgainAndFiveTakenDrawsFail) {
  const std::string taken = world_.codes.Issue(kTenant, "alice", false).code();
  // The next draw repeats alice's code, the one after is new.
  world_.draws = 0;
  const std::string bobs = world_.codes.Issue(kTenant, "bob", false).code();
  EXPECT_NE(bobs, taken);
  EXPECT_EQ(world_.code_repository.insert_attempts, 3);  // alice's, bob's taken one, bob's

  // Every draw taken: the caller hears AlreadyExists and nothing is stored for carol.
  ReferralCodes stuck(world_.transactions, world_.code_repository, world_.referral_repository,
                      world_.clock, [] { return 0x9e3779b97f4a7c15ULL; });
  EXPECT_EQ(KindOf([&] { stuck.Issue(kTenant, "carol", false); }), ErrorKind::kAlreadyExists);
  EXPECT_EQ(world_.code_repository.insert_attempts, 3 + 5);
  EXPECT_FALSE(world_.code_repository.HasActiveCode(kTenant, "carol"));
}

TEST_F(UseCaseTest, IssuingManyLocksThemInOrderOnceAndKeepsActiveCodes) {
  const std::string alices = world_.codes.Issue(kTenant, "alice", false).code();
  world_.referral_repository.row_locks.clear();

  const std::vector<v1::ReferralCode> issued =
      world_.codes.IssueMany(kTenant, {"carol", "alice", "bob", "carol"});
  ASSERT_EQ(issued.size(), 4u);
  EXPECT_EQ(issued[0].client_id(), "carol");
  EXPECT_EQ(issued[1].code(), alices);  // an active code is kept, not rotated
  EXPECT_EQ(issued[2].client_id(), "bob");
  EXPECT_EQ(issued[3].code(), issued[0].code());  // named twice, one code
  EXPECT_NE(issued[0].code(), issued[2].code());
  EXPECT_EQ(world_.referral_repository.row_locks,
            (std::vector<std::string>{"alice", "bob", "carol", "carol"}));
  // A retry returns the same codes.
  const std::vector<v1::ReferralCode> again = world_.codes.IssueMany(kTenant, {"bob", "carol"});
  EXPECT_EQ(again[0].code(), issued[2].code());
  EXPECT_EQ(again[1].code(), issued[0].code());
}

TEST_F(UseCaseTest, RevokingNeedsTheTenantsOwnWellFormedCode) {
  const std::string code = world_.codes.Issue(kTenant, "alice", false).code();
  EXPECT_EQ(KindOf([&] { world_.codes.Revoke("t-2", code); }), ErrorKind::kNotFound);
  EXPECT_EQ(KindOf([&] { world_.codes.Revoke(kTenant, "bad"); }), ErrorKind::kInvalid);
  const v1::ReferralCode revoked = world_.codes.Revoke(kTenant, code);
  EXPECT_EQ(revoked.status(), v1::CODE_STATUS_REVOKED);
  EXPECT_EQ(FromProtoTimestamp(revoked.revoked_at()), world_.clock.now);
}

TEST_F(UseCaseTest, InvitationsCountOncePerKeyAndTenant) {
  v1::RecordInvitationsResponse first = world_.invitations.Record(kTenant, "alice", 3, "k-1");
  EXPECT_FALSE(first.duplicate());
  EXPECT_EQ(first.invitations_sent(), 3);
  v1::RecordInvitationsResponse again = world_.invitations.Record(kTenant, "alice", 3, "k-1");
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(again.invitations_sent(), 3);
  // The same key in another tenant is another report.
  EXPECT_FALSE(world_.invitations.Record("t-2", "alice", 2, "k-1").duplicate());
  EXPECT_EQ(world_.invitations.Record(kTenant, "alice", 4, "k-2").invitations_sent(), 7);
}

TEST_F(UseCaseTest, RulesAreVersionedAndAStaleWriteConflicts) {
  EXPECT_EQ(world_.settings.Rules(kTenant).version, 0);
  EXPECT_EQ(world_.settings.Rules(kTenant).currency, "CNY");
  RewardRules rules = DefaultRewardRules("EUR");
  EXPECT_EQ(world_.settings.PutRules(kTenant, rules, 0).version, 1);
  EXPECT_EQ(world_.settings.Rules(kTenant).currency, "EUR");
  EXPECT_EQ(KindOf([&] { world_.settings.PutRules(kTenant, rules, 0); }), ErrorKind::kConflict);
}

TEST_F(UseCaseTest, RulesAreReadOncePerTtl) {
  RewardSettings cached(world_.transactions, world_.rules_repository, world_.clock,
                        RewardSettingsOptions{"CNY", std::chrono::minutes(1)});
  cached.Rules(kTenant);
  cached.Rules(kTenant);
  EXPECT_EQ(world_.rules_repository.loads, 1);
  // A replica's own write applies at once.
  RewardRules rules = DefaultRewardRules("USD");
  cached.PutRules(kTenant, rules, 0);
  EXPECT_EQ(cached.Rules(kTenant).currency, "USD");
  EXPECT_EQ(world_.rules_repository.loads, 1);
}

TEST_F(UseCaseTest, StatisticsPropagationAndLeaderboardFollowTheFunnel) {
  const std::string alices = world_.codes.Issue(kTenant, "alice", false).code();
  const std::string carols = world_.codes.Issue(kTenant, "carol", false).code();
  world_.invitations.Record(kTenant, "alice", 5, "k-1");
  world_.registration.Register(kTenant, alices, "bob");
  world_.registration.Register(kTenant, alices, "dan");
  world_.registration.Register(kTenant, carols, "eve");
  Purchase purchase;
  purchase.client_id = "bob";
  purchase.transaction_id = "tx-1";
  purchase.amount_minor = 8'000;
  purchase.currency = "CNY";
  purchase.occurred_at = world_.clock.now;
  world_.conversion.Convert(kTenant, purchase);

  const v1::ReferralStats alice = world_.statistics.Stats(kTenant, "alice");
  EXPECT_EQ(alice.client_id(), "alice");
  EXPECT_EQ(alice.invitations_sent(), 5);
  EXPECT_EQ(alice.registered(), 2);
  EXPECT_EQ(alice.converted(), 1);
  EXPECT_DOUBLE_EQ(alice.conversion_rate(), 0.5);
  EXPECT_EQ(alice.referred_revenue().units(), 8'000);
  EXPECT_EQ(alice.referred_revenue().currency(), "CNY");

  const v1::ReferralStats tenant = world_.statistics.Stats(kTenant, "");
  EXPECT_EQ(tenant.registered(), 3);
  EXPECT_EQ(tenant.converted(), 1);
  EXPECT_EQ(tenant.paying_clients(), 1);
  EXPECT_EQ(tenant.clients_with_code(), 2);
  EXPECT_DOUBLE_EQ(tenant.k_factor(), 1.0);

  const std::vector<v1::Propagation> propagation =
      world_.statistics.Propagation(kTenant, {"nobody", "alice"});
  ASSERT_EQ(propagation.size(), 2u);
  EXPECT_EQ(propagation[0].client_id(), "nobody");
  EXPECT_EQ(propagation[0].tier(), v1::PROPAGATION_TIER_SILENT);
  EXPECT_EQ(propagation[0].index(), 0);
  EXPECT_EQ(propagation[1].client_id(), "alice");
  EXPECT_EQ(propagation[1].converted(), 1);
  EXPECT_GT(propagation[1].index(), 0);

  const v1::LeaderboardResponse board = world_.statistics.Leaderboard(kTenant, 10);
  ASSERT_EQ(board.entries_size(), 2);
  EXPECT_EQ(board.entries(0).client_id(), "alice");
  EXPECT_EQ(board.entries(0).rank(), 1);
  EXPECT_EQ(board.entries(1).client_id(), "carol");
  EXPECT_EQ(world_.statistics.Leaderboard(kTenant, 1).entries_size(), 1);
}

}  // namespace
}  // namespace clienttier::referral
