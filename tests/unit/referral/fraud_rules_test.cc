#include "services/referral/domain/fraud_rules.h"

#include <gtest/gtest.h>

namespace clienttier::referral {
namespace {

// A registration that passes every rule; each test breaks one thing.
RegistrationFacts Clean() {
  RegistrationFacts facts;
  facts.caller_tenant_id = "t1";
  facts.code_tenant_id = "t1";
  facts.code_active = true;
  facts.referrer_client_id = "alice";
  facts.referee_client_id = "bob";
  facts.referrer_registrations_today = 3;
  facts.max_referrals_per_day = 20;
  facts.referrer_chain = {"carol", "dave"};
  return facts;
}

FraudRule RuleOf(const RegistrationFacts& facts) {
  const std::optional<Refusal> refusal = CheckRegistration(facts);
  EXPECT_TRUE(refusal.has_value());
  return refusal ? refusal->rule : FraudRule::kForeignCode;
}

TEST(FraudRulesTest, CleanRegistrationPasses) { EXPECT_FALSE(CheckRegistration(Clean())); }

TEST(FraudRulesTest, CodeFromAnotherTenantIsForeign) {
  RegistrationFacts facts = Clean();
  facts.code_tenant_id = "t2";
  const auto refusal = CheckRegistration(facts);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->rule, FraudRule::kForeignCode);
  EXPECT_EQ(refusal->message, "foreign_code: the code belongs to another organisation");
  // Nothing about the other tenant's client leaks into the message.
  EXPECT_EQ(refusal->message.find("alice"), std::string::npos);
}

TEST(FraudRulesTest, RevokedCodeIsRefused) {
  RegistrationFacts facts = Clean();
  facts.code_active = false;
  EXPECT_EQ(RuleOf(facts), FraudRule::kRevokedCode);
}

TEST(FraudRulesTest, SelfReferralIsRefused) {
  RegistrationFacts facts = Clean();
  facts.referee_client_id = "alice";
  const auto refusal = CheckRegistration(facts);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->message, "self_referral: the referee owns the code");
}

TEST(FraudRulesTest, RefereeClaimedByAnotherReferrerIsRefused) {
  RegistrationFacts facts = Clean();
  facts.existing_referrer_of_referee = "erin";
  const auto refusal = CheckRegistration(facts);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->rule, FraudRule::kRefereeAlreadyClaimed);
  EXPECT_EQ(refusal->message.rfind("referee_already_claimed: ", 0), 0u);
}

TEST(FraudRulesTest, PayingClientCannotBeReferred) {
  RegistrationFacts facts = Clean();
  facts.referee_has_paid = true;
  EXPECT_EQ(RuleOf(facts), FraudRule::kExistingClient);
}

TEST(FraudRulesTest, VelocityRefusesAtTheLimitNotBefore) {
  RegistrationFacts facts = Clean();
  facts.referrer_registrations_today = 19;
  EXPECT_FALSE(CheckRegistration(facts));
  facts.referrer_registrations_today = 20;
  const auto refusal = CheckRegistration(facts);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->rule, FraudRule::kVelocity);
  EXPECT_NE(refusal->message.find("20 registrations today"), std::string::npos);
}

TEST(FraudRulesTest, RefereeUpTheReferrersChainIsACycle) {
  RegistrationFacts facts = Clean();
  facts.referee_client_id = "dave";  // dave referred carol, who referred alice
  EXPECT_EQ(RuleOf(facts), FraudRule::kReferralCycle);
  facts.referee_client_id = "carol";  // the direct A -> B, B -> A case
  EXPECT_EQ(RuleOf(facts), FraudRule::kReferralCycle);
}

TEST(FraudRulesTest, FirstBrokenRuleNamesTheRefusal) {
  RegistrationFacts facts = Clean();
  facts.referee_client_id = "alice";         // self-referral
  facts.referrer_registrations_today = 100;  // and velocity
  EXPECT_EQ(RuleOf(facts), FraudRule::kSelfReferral);
  facts.code_tenant_id = "t2";  // a foreign code hides everything else
  EXPECT_EQ(RuleOf(facts), FraudRule::kForeignCode);
}

TEST(FraudRulesTest, EveryRuleHasItsSnakeCaseName) {
  EXPECT_STREQ(Name(FraudRule::kSelfReferral), "self_referral");
  EXPECT_STREQ(Name(FraudRule::kExistingClient), "existing_client");
  EXPECT_STREQ(Name(FraudRule::kRefereeAlreadyClaimed), "referee_already_claimed");
  EXPECT_STREQ(Name(FraudRule::kVelocity), "velocity");
  EXPECT_STREQ(Name(FraudRule::kReferralCycle), "referral_cycle");
  EXPECT_STREQ(Name(FraudRule::kForeignCode), "foreign_code");
  EXPECT_STREQ(Name(FraudRule::kRevokedCode), "revoked_code");
}

}  // namespace
}  // namespace clienttier::referral
