#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "clienttier/referral/v1/referral_events.pb.h"
#include "common/db/mysql_pool.h"
#include "common/db/sql_helpers.h"
#include "tests/integration/referral/referral_fixture.h"

namespace clienttier::referral {
namespace {

using ReferralTest = ReferralFixture;

int64_t Balance(const v1::ListRewardsResponse& rewards) {
  int64_t total = 0;
  for (const auto& money : rewards.balance()) {
    total += money.units();
  }
  return total;
}

TEST_F(ReferralTest, FirstPurchaseConvertsAndRewardsBothSides) {
  RedisClient redis(testing::RedisFromEnv(), nullptr);
  const std::string stream_start = testing::LastStreamId(redis, "ct:events:referral");
  const std::string code = IssueCode("alice", writer_a_);
  EXPECT_EQ(IssueCode("alice", writer_a_), code);  // one active code; a retry returns it
  v1::Referral registered;
  ASSERT_TRUE(Register(code, "bob", writer_a_, &registered).ok());
  EXPECT_EQ(registered.referrer_client_id(), "alice");
  EXPECT_EQ(registered.status(), v1::REFERRAL_STATUS_REGISTERED);

  RecordPurchase("p1", "bob", 30000, writer_a_);
  const v1::Referral converted = WaitForConversion("bob", reader_a_);
  EXPECT_EQ(converted.first_purchase().units(), 30000);
  EXPECT_EQ(converted.referred_revenue().units(), 30000);

  // A later purchase adds referred revenue and converts nothing again.
  RecordPurchase("p2", "bob", 12000, writer_a_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (Stats("alice", reader_a_).referred_revenue().units() < 42000 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  const v1::ReferralStats alice = Stats("alice", reader_a_);
  EXPECT_EQ(alice.registered(), 1);
  EXPECT_EQ(alice.converted(), 1);
  EXPECT_EQ(alice.referred_revenue().units(), 42000);
  EXPECT_DOUBLE_EQ(alice.conversion_rate(), 1.0);

  // Defaults: 50.00 CNY to each side.
  const v1::ListRewardsResponse alice_rewards = Rewards("alice", reader_a_);
  ASSERT_EQ(alice_rewards.rewards_size(), 1);
  EXPECT_EQ(alice_rewards.rewards(0).side(), v1::REWARD_SIDE_REFERRER);
  EXPECT_EQ(Balance(alice_rewards), 5000);
  const v1::ListRewardsResponse bob_rewards = Rewards("bob", reader_a_);
  ASSERT_EQ(bob_rewards.rewards_size(), 1);
  EXPECT_EQ(bob_rewards.rewards(0).side(), v1::REWARD_SIDE_REFEREE);

  // The events reach ct:events:referral through the outbox.
  std::vector<std::string> types;
  const auto stream_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (types.size() < 3 && std::chrono::steady_clock::now() < stream_deadline) {
    types.clear();
    for (auto& entry :
         testing::TenantStreamEntries(redis, "ct:events:referral", tenant_a_, stream_start)) {
      types.push_back(entry.fields["type"]);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  // One reward_issued per conversion, carrying both sides' rewards.
  EXPECT_EQ(types, (std::vector<std::string>{"referral_registered", "referral_converted",
                                             "reward_issued"}));

  // Propagation for scoring: alice converted one, carol is unknown.
  v1::GetPropagationRequest request;
  request.add_client_ids("alice");
  request.add_client_ids("carol");
  v1::GetPropagationResponse propagation;
  ASSERT_TRUE(stub_->GetPropagation(Context(reader_a_).get(), request, &propagation).ok());
  ASSERT_EQ(propagation.clients_size(), 2);
  EXPECT_EQ(propagation.clients(0).converted(), 1);
  EXPECT_EQ(propagation.clients(0).tier(), v1::PROPAGATION_TIER_CONTRIBUTOR);
  EXPECT_EQ(propagation.clients(0).index(), 39);  // 13 points: 100 * 13 / 33
  EXPECT_EQ(propagation.clients(1).client_id(), "carol");
  EXPECT_EQ(propagation.clients(1).tier(), v1::PROPAGATION_TIER_SILENT);
}

TEST_F(ReferralTest, APurchaseEventDeliveredTwiceConvertsOnce) {
  RedisClient redis(testing::RedisFromEnv(), nullptr);
  const std::string stream_start = testing::LastStreamId(redis, "ct:events:profile");
  ASSERT_TRUE(Register(IssueCode("alice", writer_a_), "bob", writer_a_).ok());
  RecordPurchase("p1", "bob", 30000, writer_a_);
  WaitForConversion("bob", reader_a_);

  const auto entries =
      testing::TenantStreamEntries(redis, "ct:events:profile", tenant_a_, stream_start);
  ASSERT_FALSE(entries.empty());
  // Only the purchase is recorded as processed: its copy is the duplicate; the other events
  // (new clients) mean nothing to referral and are applied again as the no-ops they are.
  size_t purchases = 0;
  for (const auto& entry : entries) {
    purchases += entry.fields.at("type") == "transactions_recorded" ? 1 : 0;
  }
  ASSERT_EQ(purchases, 1u);
  const uint64_t duplicates = Counter("ct_referral_events_duplicate_total");
  const uint64_t applied = Counter("ct_referral_events_applied_total");
  testing::ReAddStreamEntries(redis, "ct:events:profile", entries);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (Counter("ct_referral_events_duplicate_total") +
                 Counter("ct_referral_events_applied_total") <
             duplicates + applied + entries.size() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(Counter("ct_referral_events_duplicate_total"), duplicates + purchases);
  EXPECT_EQ(Counter("ct_referral_events_applied_total"), applied + entries.size() - purchases);
  EXPECT_EQ(Rewards("alice", reader_a_).rewards_size(), 1);
  EXPECT_EQ(Rewards("bob", reader_a_).rewards_size(), 1);
  const v1::ReferralStats alice = Stats("alice", reader_a_);
  EXPECT_EQ(alice.converted(), 1);
  EXPECT_EQ(alice.referred_revenue().units(), 30000);  // not counted twice
}

TEST_F(ReferralTest, ConcurrentConversionsRewardExactlyOnce) {
  ASSERT_TRUE(Register(IssueCode("alice", writer_a_), "bob", writer_a_).ok());
  constexpr int kCallers = 12;
  std::atomic<int> ready{0};
  std::atomic<int> converted{0};
  std::atomic<int> already{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back([&, i] {
      v1::ConvertReferralRequest request;
      request.set_referee_client_id("bob");
      request.set_transaction_id("tx-" + std::to_string(i));
      request.mutable_amount()->set_units(20000);
      request.mutable_amount()->set_currency("CNY");
      request.mutable_occurred_at()->set_seconds(now_seconds_);
      auto context = Context(writer_a_);
      // Every caller starts together, so the calls overlap on the server.
      ++ready;
      while (ready.load() < kCallers) {
        std::this_thread::yield();
      }
      v1::ConvertReferralResponse response;
      const grpc::Status status = stub_->ConvertReferral(context.get(), request, &response);
      if (!status.ok()) {
        ++failed;
      } else if (response.outcome() == v1::CONVERSION_OUTCOME_CONVERTED) {
        ++converted;
        EXPECT_EQ(response.rewards_size(), 2);
      } else if (response.outcome() == v1::CONVERSION_OUTCOME_ALREADY_CONVERTED) {
        ++already;
      }
    });
  }
  for (auto& caller : callers) {
    caller.join();
  }
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(converted.load(), 1);
  EXPECT_EQ(already.load(), kCallers - 1);
  EXPECT_EQ(Rewards("alice", reader_a_).rewards_size(), 1);
  EXPECT_EQ(Rewards("bob", reader_a_).rewards_size(), 1);
  const v1::ReferralStats alice = Stats("alice", reader_a_);
  EXPECT_EQ(alice.converted(), 1);
  // Reports of the same purchase after the conversion add no referred revenue.
  EXPECT_EQ(alice.referred_revenue().units(), 20000);
}

// A purchase reported while the buyer's registration as a referee is still in flight must not
// slip between them: the conversion waits for the registration's lock on the buyer's row, then
// finds its referral. (Reading the referrals before locking the buyer found none and, once the
// registration committed, left the referral registered for good.)
TEST_F(ReferralTest, APurchaseRacingItsRefereesRegistrationConverts) {
  const std::string code = IssueCode("alice", writer_a_);
  MySqlPool pool(referral_config_.mysql, nullptr);
  grpc::Status status;
  v1::ConvertReferralResponse response;
  std::thread purchase;
  // The registration of bob, by hand and caught part-way as RegisterReferrals runs it: bob's
  // row locked first, the referral written after.
  pool.InTransaction([&](sql::Connection& connection) {
    auto lock = Prepare(connection,
                        "INSERT INTO referral_clients (tenant_id, client_id) VALUES (?, 'bob') "
                        "ON DUPLICATE KEY UPDATE client_id = client_id");
    lock->setString(1, tenant_a_);
    lock->executeUpdate();
    purchase = std::thread([&] {
      v1::ConvertReferralRequest request;
      request.set_referee_client_id("bob");
      request.set_transaction_id("tx-race");
      request.mutable_amount()->set_units(20000);
      request.mutable_amount()->set_currency("CNY");
      request.mutable_occurred_at()->set_seconds(now_seconds_);
      status = stub_->ConvertReferral(Context(writer_a_).get(), request, &response);
    });
    // Time for the conversion to reach the buyer's row and wait on it.
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    auto insert = Prepare(connection,
                          "INSERT INTO referrals (tenant_id, referee_id, referral_id, code, "
                          "referrer_id, status, registered_at, registered_day) VALUES (?, 'bob', "
                          "'0193a1b2-0000-7000-8000-000000000001', ?, 'alice', 1, "
                          "UTC_TIMESTAMP(6), DATEDIFF(UTC_DATE(), '1970-01-01'))");
    insert->setString(1, tenant_a_);
    insert->setString(2, code);
    insert->executeUpdate();
  });
  purchase.join();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.outcome(), v1::CONVERSION_OUTCOME_CONVERTED);
  EXPECT_EQ(response.rewards_size(), 2);
}

TEST_F(ReferralTest, LedgerBalancesAndTheReferrerCapHolds) {
  v1::PutRewardRulesRequest put;
  auto* rules = put.mutable_rules();
  rules->mutable_referrer_reward()->set_units(8000);
  rules->mutable_referrer_reward()->set_currency("CNY");
  rules->mutable_referee_reward()->set_units(3000);
  rules->mutable_referee_reward()->set_currency("CNY");
  rules->mutable_qualifying_minimum()->set_units(10000);
  rules->mutable_qualifying_minimum()->set_currency("CNY");
  rules->set_kind(v1::REWARD_KIND_CREDIT);
  rules->set_max_rewarded_per_referrer(2);
  rules->set_cap_window_days(30);
  rules->set_max_referrals_per_day(20);
  v1::RewardRules stored;
  ASSERT_TRUE(stub_->PutRewardRules(Context(admin_a_).get(), put, &stored).ok());
  EXPECT_EQ(stored.version(), 1);

  const std::string code = IssueCode("alice", writer_a_);
  const std::vector<std::string> referees{"r1", "r2", "r3"};
  for (const auto& referee : referees) {
    ASSERT_TRUE(Register(code, referee, writer_a_).ok());
  }
  // Below the minimum: no conversion. It is made before the qualifying purchases, so it is not
  // referred revenue in whichever order the two consumers apply them (at the same instant it
  // would count when applied after the conversion).
  RecordPurchase("small", "r1", 9999, writer_a_, /*seconds_ago=*/120);
  for (const auto& referee : referees) {
    RecordPurchase("buy-" + referee, referee, 15000, writer_a_);
  }
  for (const auto& referee : referees) {
    const v1::Referral referral = WaitForConversion(referee, reader_a_);
    EXPECT_EQ(referral.first_purchase().units(), 15000);
  }
  // The referrer is rewarded twice (the cap), every referee once; nothing else is written.
  EXPECT_EQ(Balance(Rewards("alice", reader_a_)), 2 * 8000);
  int64_t referees_total = 0;
  for (const auto& referee : referees) {
    const auto rewards = Rewards(referee, reader_a_);
    EXPECT_EQ(rewards.rewards_size(), 1);
    referees_total += Balance(rewards);
  }
  EXPECT_EQ(referees_total, 3 * 3000);
  const v1::ReferralStats tenant = Stats("", reader_a_);
  EXPECT_EQ(tenant.registered(), 3);
  EXPECT_EQ(tenant.converted(), 3);
  EXPECT_EQ(tenant.referred_revenue().units(), 3 * 15000);
  EXPECT_EQ(tenant.paying_clients(), 3);
  EXPECT_DOUBLE_EQ(tenant.k_factor(), 1.0);

  v1::LeaderboardRequest top;
  v1::LeaderboardResponse board;
  ASSERT_TRUE(stub_->Leaderboard(Context(reader_a_).get(), top, &board).ok());
  ASSERT_EQ(board.entries_size(), 1);
  EXPECT_EQ(board.entries(0).client_id(), "alice");
  EXPECT_EQ(board.entries(0).converted(), 3);
}

// Each fraud rule refuses with FAILED_PRECONDITION, names itself, and writes nothing.
TEST_F(ReferralTest, FraudRulesRefuseByName) {
  const auto refused = [&](const grpc::Status& status, const std::string& rule) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << rule;
    EXPECT_EQ(status.error_message().rfind(rule + ": ", 0), 0u) << status.error_message();
  };
  const std::string alice = IssueCode("alice", writer_a_);
  refused(Register(alice, "alice", writer_a_), "self_referral");

  RecordPurchase("early", "paid", 20000, writer_a_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (Stats("", reader_a_).paying_clients() < 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  refused(Register(alice, "paid", writer_a_), "existing_client");

  ASSERT_TRUE(Register(alice, "bob", writer_a_).ok());
  ASSERT_TRUE(Register(alice, "bob", writer_a_).ok());  // a retry, not a second claim
  const std::string dave = IssueCode("dave", writer_a_);
  refused(Register(dave, "bob", writer_a_), "referee_already_claimed");

  const std::string bob = IssueCode("bob", writer_a_);
  refused(Register(bob, "alice", writer_a_), "referral_cycle");  // alice referred bob

  refused(Register(alice, "x1", writer_b_), "foreign_code");

  v1::IssueCodeRequest rotate;
  rotate.set_client_id("dave");
  rotate.set_rotate(true);
  v1::ReferralCode rotated;
  ASSERT_TRUE(stub_->IssueCode(Context(writer_a_).get(), rotate, &rotated).ok());
  EXPECT_NE(rotated.code(), dave);
  refused(Register(dave, "erin", writer_a_), "revoked_code");

  v1::PutRewardRulesRequest put;
  v1::GetRewardRulesRequest get;
  ASSERT_TRUE(stub_->GetRewardRules(Context(reader_a_).get(), get, put.mutable_rules()).ok());
  put.mutable_rules()->set_max_referrals_per_day(2);
  v1::RewardRules stored;
  ASSERT_TRUE(stub_->PutRewardRules(Context(admin_a_).get(), put, &stored).ok());
  ASSERT_TRUE(Register(alice, "v1", writer_a_).ok());  // bob was the first today
  refused(Register(alice, "v2", writer_a_), "velocity");

  // Only the accepted registrations were written.
  const v1::ReferralStats tenant = Stats("", reader_a_);
  EXPECT_EQ(tenant.registered(), 2);
  EXPECT_EQ(Stats("", writer_b_).registered(), 0);
}

TEST_F(ReferralTest, BadInputNamesTheFieldAndWritesNothing) {
  const auto invalid = [](const grpc::Status& status, const std::string& field) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_EQ(status.error_message().rfind(field + ": ", 0), 0u) << status.error_message();
  };
  invalid(Register("not-a-code!", "bob", writer_a_), "code");
  invalid(Register("ABCDEFGHJK", "", writer_a_), "referee_client_id");

  v1::GetPropagationRequest empty;
  v1::GetPropagationResponse propagation;
  invalid(stub_->GetPropagation(Context(reader_a_).get(), empty, &propagation), "client_ids");

  v1::ConvertReferralRequest convert;
  convert.set_referee_client_id("bob");
  convert.set_transaction_id("tx");
  convert.mutable_amount()->set_units(-5);
  convert.mutable_amount()->set_currency("CNY");
  v1::ConvertReferralResponse converted;
  invalid(stub_->ConvertReferral(Context(writer_a_).get(), convert, &converted), "amount.units");

  v1::PutRewardRulesRequest put;
  v1::GetRewardRulesRequest get;
  ASSERT_TRUE(stub_->GetRewardRules(Context(reader_a_).get(), get, put.mutable_rules()).ok());
  put.mutable_rules()->mutable_referee_reward()->set_currency("USD");
  v1::RewardRules stored;
  invalid(stub_->PutRewardRules(Context(admin_a_).get(), put, &stored),
          "rules.referee_reward.currency");
  // A writer may not change the rules at all.
  EXPECT_EQ(stub_->PutRewardRules(Context(writer_a_).get(), put, &stored).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::RewardRules rules;
  ASSERT_TRUE(stub_->GetRewardRules(Context(reader_a_).get(), get, &rules).ok());
  EXPECT_EQ(rules.version(), 0);

  v1::RecordInvitationsRequest invitations;
  invitations.set_client_id("alice");
  invitations.set_count(0);
  invitations.set_idempotency_key("k1");
  v1::RecordInvitationsResponse recorded;
  invalid(stub_->RecordInvitations(Context(writer_a_).get(), invitations, &recorded), "count");
  EXPECT_EQ(Stats("alice", reader_a_).invitations_sent(), 0);
}

TEST_F(ReferralTest, IssueCodesAnswersInOrderWithEachClientsActiveCode) {
  const std::string alices = IssueCode("alice", writer_a_);
  v1::IssueCodesRequest request;
  for (const char* client : {"bob", "alice", "bob", "carol"}) {
    request.add_client_ids(client);
  }
  v1::IssueCodesResponse response;
  ASSERT_TRUE(stub_->IssueCodes(Context(writer_a_).get(), request, &response).ok());
  ASSERT_EQ(response.codes_size(), 4);
  EXPECT_EQ(response.codes(0).client_id(), "bob");
  EXPECT_EQ(response.codes(1).code(), alices);
  EXPECT_EQ(response.codes(2).code(), response.codes(0).code());
  EXPECT_EQ(response.codes(3).client_id(), "carol");
  EXPECT_NE(response.codes(3).code(), response.codes(0).code());
  // The codes are stored: IssueCode and a retry return them, and they register referrals.
  EXPECT_EQ(IssueCode("bob", writer_a_), response.codes(0).code());
  v1::IssueCodesResponse retried;
  ASSERT_TRUE(stub_->IssueCodes(Context(writer_a_).get(), request, &retried).ok());
  EXPECT_EQ(retried.codes(3).code(), response.codes(3).code());
  v1::Referral referral;
  ASSERT_TRUE(Register(response.codes(3).code(), "dave", writer_a_, &referral).ok());
  EXPECT_EQ(referral.referrer_client_id(), "carol");
  // Another tenant's alice is another client.
  v1::IssueCodesResponse other;
  ASSERT_TRUE(stub_->IssueCodes(Context(writer_b_).get(), request, &other).ok());
  EXPECT_NE(other.codes(1).code(), alices);

  // A malformed entry, an empty or an oversized request: the field and the rule.
  v1::IssueCodesRequest bad;
  bad.add_client_ids("erin");
  bad.add_client_ids("");
  grpc::Status status = stub_->IssueCodes(Context(writer_a_).get(), bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("client_ids[1]: ", 0), 0u) << status.error_message();
  bad.Clear();
  status = stub_->IssueCodes(Context(writer_a_).get(), bad, &response);
  EXPECT_EQ(status.error_message().rfind("client_ids: must hold between 1 and 1000", 0), 0u)
      << status.error_message();
  for (int i = 0; i < 1001; ++i) {
    bad.add_client_ids("c" + std::to_string(i));
  }
  EXPECT_EQ(stub_->IssueCodes(Context(writer_a_).get(), bad, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // A reader may not issue codes.
  EXPECT_EQ(stub_->IssueCodes(Context(reader_a_).get(), request, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ReferralTest, InvitationsCountOncePerKey) {
  v1::RecordInvitationsRequest request;
  request.set_client_id("alice");
  request.set_count(5);
  request.set_idempotency_key("share-1");
  v1::RecordInvitationsResponse response;
  ASSERT_TRUE(stub_->RecordInvitations(Context(writer_a_).get(), request, &response).ok());
  EXPECT_EQ(response.invitations_sent(), 5);
  ASSERT_TRUE(stub_->RecordInvitations(Context(writer_a_).get(), request, &response).ok());
  EXPECT_TRUE(response.duplicate());
  EXPECT_EQ(response.invitations_sent(), 5);
  // The same key in another tenant is that tenant's own.
  ASSERT_TRUE(stub_->RecordInvitations(Context(writer_b_).get(), request, &response).ok());
  EXPECT_FALSE(response.duplicate());
  EXPECT_EQ(Stats("alice", reader_a_).invitations_sent(), 5);
}

TEST_F(ReferralTest, ATenantNeverSeesAnothersReferrals) {
  ASSERT_TRUE(Register(IssueCode("alice", writer_a_), "bob", writer_a_).ok());
  v1::GetReferralRequest request;
  request.set_referee_client_id("bob");
  v1::Referral referral;
  EXPECT_EQ(stub_->GetReferral(Context(writer_b_).get(), request, &referral).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::GetPropagationRequest propagation_request;
  propagation_request.add_client_ids("alice");
  v1::GetPropagationResponse propagation;
  ASSERT_TRUE(
      stub_->GetPropagation(Context(writer_b_).get(), propagation_request, &propagation).ok());
  EXPECT_EQ(propagation.clients(0).registered(), 0);
  EXPECT_EQ(propagation.clients(0).tier(), v1::PROPAGATION_TIER_SILENT);
  // Another tenant cannot revoke the code either.
  v1::RevokeCodeRequest revoke;
  revoke.set_code(IssueCode("alice", writer_a_));
  v1::ReferralCode revoked;
  EXPECT_EQ(stub_->RevokeCode(Context(writer_b_).get(), revoke, &revoked).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace clienttier::referral

namespace clienttier::referral {
namespace {

TEST_F(ReferralTest, ABatchOfRegistrationsSeesItsEarlierEntries) {
  v1::PutRewardRulesRequest put;
  v1::GetRewardRulesRequest get;
  ASSERT_TRUE(stub_->GetRewardRules(Context(reader_a_).get(), get, put.mutable_rules()).ok());
  put.mutable_rules()->set_max_referrals_per_day(3);
  v1::RewardRules stored;
  ASSERT_TRUE(stub_->PutRewardRules(Context(admin_a_).get(), put, &stored).ok());
  const std::string alice = IssueCode("alice", writer_a_);
  const std::string bob = IssueCode("bob", writer_a_);
  v1::RegisterReferralsRequest request;
  const auto add = [&request](const std::string& code, const std::string& referee) {
    auto* entry = request.add_referrals();
    entry->set_code(code);
    entry->set_referee_client_id(referee);
  };
  add(alice, "bob");         // 0: registered
  add(alice, "bob");         // 1: a retry within the batch: the same referral
  add(bob, "alice");         // 2: bob was referred by alice in entry 0: a cycle
  add(bob, "bob");           // 3: self-referral
  add(alice, "carol");       // 4: registered (alice's 2nd today)
  add(bob, "carol");         // 5: carol was claimed by entry 4
  add(alice, "dave");        // 6: registered (3rd)
  add(alice, "erin");        // 7: velocity (limit 3)
  add("ZZZZZZZZZZ", "fay");  // 8: unknown code
  v1::RegisterReferralsResponse response;
  ASSERT_TRUE(stub_->RegisterReferrals(Context(writer_a_).get(), request, &response).ok());
  ASSERT_EQ(response.results_size(), 9);
  EXPECT_EQ(response.registered_count(), 4);
  EXPECT_EQ(response.refused_count(), 5);
  EXPECT_EQ(response.results(0).referral().referrer_client_id(), "alice");
  EXPECT_EQ(response.results(1).referral().referral_id(),
            response.results(0).referral().referral_id());
  EXPECT_EQ(response.results(2).refused_by(), v1::FRAUD_RULE_REFERRAL_CYCLE);
  EXPECT_EQ(response.results(3).refused_by(), v1::FRAUD_RULE_SELF_REFERRAL);
  EXPECT_TRUE(response.results(4).has_referral());
  EXPECT_EQ(response.results(5).refused_by(), v1::FRAUD_RULE_REFEREE_ALREADY_CLAIMED);
  EXPECT_TRUE(response.results(6).has_referral());
  EXPECT_EQ(response.results(7).refused_by(), v1::FRAUD_RULE_VELOCITY);
  EXPECT_EQ(response.results(7).refusal().rfind("velocity: ", 0), 0u);
  EXPECT_EQ(response.results(8).refused_by(), v1::FRAUD_RULE_UNKNOWN_CODE);
  const v1::ReferralStats stats = Stats("alice", reader_a_);
  EXPECT_EQ(stats.registered(), 3);

  // A malformed entry fails the whole call, naming it, and writes nothing.
  v1::RegisterReferralsRequest bad;
  auto* ok_entry = bad.add_referrals();
  ok_entry->set_code(alice);
  ok_entry->set_referee_client_id("gus");
  auto* bad_entry = bad.add_referrals();
  bad_entry->set_code("nope");
  bad_entry->set_referee_client_id("hal");
  const grpc::Status status = stub_->RegisterReferrals(Context(writer_a_).get(), bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("referrals[1].code: ", 0), 0u) << status.error_message();
  v1::GetReferralRequest gus;
  gus.set_referee_client_id("gus");
  v1::Referral referral;
  EXPECT_EQ(stub_->GetReferral(Context(reader_a_).get(), gus, &referral).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace clienttier::referral
