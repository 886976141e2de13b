// Registration against the in-memory repositories: the fraud rules as the use case gathers
// their facts, the velocity counter across days, retries.
#include "services/referral/app/registration.h"

#include <gtest/gtest.h>

#include "common/errors/domain_error.h"
#include "tests/support/referral/referral_world.h"

namespace clienttier::referral {
namespace {

constexpr char kTenant[] = "t-1";

class RegistrationTest : public ::testing::Test {
 protected:
  std::string CodeOf(const std::string& client_id) {
    return world_.codes.Issue(kTenant, client_id, /*rotate=*/false).code();
  }
  RegistrationOutcome Register(const std::string& code, const std::string& referee) {
    return world_.registration.Register(kTenant, code, referee);
  }
  // The rule that refused, failing the test when the registration was accepted.
  FraudRule RefusedBy(const RegistrationOutcome& outcome) {
    EXPECT_TRUE(outcome.refusal.has_value()) << "accepted";
    EXPECT_FALSE(outcome.referral.has_value());
    return outcome.refusal ? outcome.refusal->rule : FraudRule::kUnknownCode;
  }
  void SetMaxReferralsPerDay(int64_t max) {
    RewardRules rules = DefaultRewardRules("CNY");
    rules.max_referrals_per_day = max;
    world_.settings.PutRules(kTenant, rules, 0);
  }
  // A purchase through the conversion use case, as client-profile's stream delivers it.
  void Pay(const std::string& client_id, int64_t units) {
    profile::v1::ProfileEvent event;
    event.set_event_id("e-" + client_id + "-" + std::to_string(++events_));
    event.set_tenant_id(kTenant);
    profile::v1::Transaction* transaction =
        event.mutable_transaction_recorded()->mutable_transaction();
    transaction->set_transaction_id("tx-" + std::to_string(events_));
    transaction->set_client_id(client_id);
    transaction->mutable_amount()->set_units(units);
    transaction->mutable_amount()->set_currency("CNY");
    *transaction->mutable_occurred_at() = ToProtoTimestamp(world_.clock.now);
    ASSERT_EQ(world_.conversion.ApplyProfileEvents({event}), 1);
  }

  testing::ReferralWorld world_;
  int events_ = 0;
};

TEST_F(RegistrationTest, AcceptsAndRecordsTheReferralTheCountAndTheEvent) {
  const std::string code = CodeOf("alice");
  const RegistrationOutcome outcome = Register(code, "bob");

  ASSERT_TRUE(outcome.referral.has_value());
  EXPECT_FALSE(outcome.refusal.has_value());
  EXPECT_EQ(outcome.referral->referrer_client_id(), "alice");
  EXPECT_EQ(outcome.referral->referee_client_id(), "bob");
  EXPECT_EQ(outcome.referral->code(), code);
  EXPECT_EQ(outcome.referral->status(), v1::REFERRAL_STATUS_REGISTERED);
  EXPECT_EQ(FromProtoTimestamp(outcome.referral->registered_at()), world_.clock.now);
  EXPECT_FALSE(outcome.referral->referral_id().empty());

  EXPECT_EQ(world_.registration.Find(kTenant, "bob").referral_id(),
            outcome.referral->referral_id());
  EXPECT_EQ(world_.referral_repository.ClientOf(kTenant, "alice").registered, 1);
  EXPECT_EQ(world_.outbox.Types(), std::vector<std::string>{"referral_registered"});
  EXPECT_EQ(world_.outbox.events[0].stream, "ct:events:referral");
  EXPECT_EQ(world_.outbox.events[0].tenant_id, kTenant);
}

TEST_F(RegistrationTest, AcceptsACodeTypedInLowerCaseWithHyphens) {
  std::string code = CodeOf("alice");
  std::string typed;
  for (char c : code) {
    typed += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  typed.insert(5, "-");
  EXPECT_TRUE(Register(typed, "bob").referral.has_value());
}

TEST_F(RegistrationTest, RefusesSelfReferral) {
  const RegistrationOutcome outcome = Register(CodeOf("alice"), "alice");
  EXPECT_EQ(RefusedBy(outcome), FraudRule::kSelfReferral);
  EXPECT_EQ(outcome.refusal->message.rfind("self_referral", 0), 0u) << outcome.refusal->message;
  EXPECT_TRUE(world_.referral_repository.referrals.empty());
  EXPECT_TRUE(world_.outbox.events.empty());
  EXPECT_EQ(world_.referral_repository.ClientOf(kTenant, "alice").registered, 0);
}

TEST_F(RegistrationTest, RefusesAClientWhoPaidBeforeAsReferee) {
  const std::string code = CodeOf("alice");
  Pay("bob", 10'000);
  const RegistrationOutcome outcome = Register(code, "bob");
  EXPECT_EQ(RefusedBy(outcome), FraudRule::kExistingClient);
  EXPECT_EQ(outcome.refusal->message.rfind("existing_client", 0), 0u);
  EXPECT_TRUE(world_.referral_repository.referrals.empty());
}

TEST_F(RegistrationTest, RefusesARefereeClaimedByAnotherReferrer) {
  ASSERT_TRUE(Register(CodeOf("alice"), "bob").referral.has_value());
  const RegistrationOutcome outcome = Register(CodeOf("carol"), "bob");
  EXPECT_EQ(RefusedBy(outcome), FraudRule::kRefereeAlreadyClaimed);
  // The first claim stands.
  EXPECT_EQ(world_.registration.Find(kTenant, "bob").referrer_client_id(), "alice");
  EXPECT_EQ(world_.referral_repository.ClientOf(kTenant, "carol").registered, 0);
  EXPECT_EQ(world_.outbox.events.size(), 1u);
}

TEST_F(RegistrationTest, RefusesBeyondTheDailyVelocityAndCountsANewDayAfresh) {
  SetMaxReferralsPerDay(2);
  const std::string code = CodeOf("alice");
  EXPECT_TRUE(Register(code, "r-1").referral.has_value());
  EXPECT_TRUE(Register(code, "r-2").referral.has_value());
  const RegistrationOutcome third = Register(code, "r-3");
  EXPECT_EQ(RefusedBy(third), FraudRule::kVelocity);
  EXPECT_EQ(third.refusal->message.rfind("velocity", 0), 0u);
  EXPECT_EQ(world_.referral_repository.ClientOf(kTenant, "alice").registered, 2);

  world_.clock.now += kMicrosPerDay;  // the next UTC day
  EXPECT_TRUE(Register(code, "r-3").referral.has_value());
  const testing::FakeReferralRepository::Client alice =
      world_.referral_repository.ClientOf(kTenant, "alice");
  EXPECT_EQ(alice.registered, 3);
  EXPECT_EQ(alice.registered_that_day, 1);
}

TEST_F(RegistrationTest, ABatchSeesItsOwnEarlierRegistrationsForVelocity) {
  SetMaxReferralsPerDay(2);
  const std::string code = CodeOf("alice");
  const int transactions_before = world_.transactions.transactions;
  const std::vector<RegistrationOutcome> outcomes = world_.registration.RegisterMany(
      kTenant, {{code, "r-1"}, {code, "r-2"}, {code, "r-3"}, {code, "r-1"}});
  ASSERT_EQ(outcomes.size(), 4u);
  EXPECT_TRUE(outcomes[0].referral.has_value());
  EXPECT_TRUE(outcomes[1].referral.has_value());
  EXPECT_EQ(RefusedBy(outcomes[2]), FraudRule::kVelocity);
  // A repeat inside the batch is a retry of the first, not a third registration.
  ASSERT_TRUE(outcomes[3].referral.has_value());
  EXPECT_EQ(outcomes[3].referral->referral_id(), outcomes[0].referral->referral_id());
  EXPECT_EQ(world_.outbox.events.size(), 2u);
  EXPECT_EQ(world_.transactions.transactions, transactions_before + 1);  // one for the batch
}

TEST_F(RegistrationTest, ARetryReturnsTheSameReferralAndWritesNothingMore) {
  const std::string code = CodeOf("alice");
  const RegistrationOutcome first = Register(code, "bob");
  const RegistrationOutcome retry = Register(code, "bob");
  ASSERT_TRUE(retry.referral.has_value());
  EXPECT_FALSE(retry.refusal.has_value());
  EXPECT_EQ(retry.referral->referral_id(), first.referral->referral_id());
  EXPECT_EQ(world_.referral_repository.referrals.size(), 1u);
  EXPECT_EQ(world_.referral_repository.ClientOf(kTenant, "alice").registered, 1);
  EXPECT_EQ(world_.outbox.events.size(), 1u);
}

TEST_F(RegistrationTest, RefusesACycleUpTheReferrersChain) {
  ASSERT_TRUE(Register(CodeOf("alice"), "bob").referral.has_value());
  ASSERT_TRUE(Register(CodeOf("bob"), "carol").referral.has_value());
  EXPECT_EQ(RefusedBy(Register(CodeOf("carol"), "alice")), FraudRule::kReferralCycle);
}

TEST_F(RegistrationTest, RefusesRevokedForeignAndUnknownCodes) {
  const std::string code = CodeOf("alice");
  world_.codes.Revoke(kTenant, code);
  EXPECT_EQ(RefusedBy(Register(code, "bob")), FraudRule::kRevokedCode);

  const std::string foreign = world_.codes.Issue("t-2", "dave", false).code();
  EXPECT_EQ(RefusedBy(Register(foreign, "bob")), FraudRule::kForeignCode);

  EXPECT_EQ(RefusedBy(Register("ZZZZZZZZZZ", "bob")), FraudRule::kUnknownCode);
  EXPECT_TRUE(world_.referral_repository.referrals.empty());
}

TEST_F(RegistrationTest, AMalformedCodeIsInvalidBeforeAnyTransaction) {
  EXPECT_THROW(Register("not a code!", "bob"), DomainError);
  EXPECT_EQ(world_.transactions.transactions, 0);
}

TEST_F(RegistrationTest, FindingAnUnreferredClientIsNotFound) {
  try {
    world_.registration.Find(kTenant, "nobody");
    FAIL() << "found";
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kNotFound);
  }
}

}  // namespace
}  // namespace clienttier::referral
