#include "services/referral/domain/fraud_rules.h"

#include <algorithm>

namespace clienttier::referral {

const char* Name(FraudRule rule) {
  switch (rule) {
    case FraudRule::kForeignCode:
      return "foreign_code";
    case FraudRule::kRevokedCode:
      return "revoked_code";
    case FraudRule::kSelfReferral:
      return "self_referral";
    case FraudRule::kRefereeAlreadyClaimed:
      return "referee_already_claimed";
    case FraudRule::kExistingClient:
      return "existing_client";
    case FraudRule::kVelocity:
      return "velocity";
    case FraudRule::kReferralCycle:
      return "referral_cycle";
    case FraudRule::kUnknownCode:
      return "unknown_code";
  }
  return "unknown";
}

namespace {

Refusal Refuse(FraudRule rule, const std::string& why) {
  return Refusal{rule, std::string(Name(rule)) + ": " + why};
}

}  // namespace

std::optional<Refusal> CheckRegistration(const RegistrationFacts& facts) {
  if (facts.code_tenant_id != facts.caller_tenant_id) {
    // Says nothing about the other tenant or the code's owner.
    return Refuse(FraudRule::kForeignCode, "the code belongs to another organisation");
  }
  if (!facts.code_active) {
    return Refuse(FraudRule::kRevokedCode, "the code was revoked");
  }
  if (facts.referee_client_id == facts.referrer_client_id) {
    return Refuse(FraudRule::kSelfReferral, "the referee owns the code");
  }
  if (facts.existing_referrer_of_referee) {
    return Refuse(FraudRule::kRefereeAlreadyClaimed,
                  "client '" + facts.referee_client_id + "' was already referred");
  }
  if (facts.referee_has_paid) {
    return Refuse(FraudRule::kExistingClient,
                  "client '" + facts.referee_client_id + "' had already paid before registering");
  }
  if (facts.referrer_registrations_today >= facts.max_referrals_per_day) {
    return Refuse(FraudRule::kVelocity, "the referrer reached " +
                                            std::to_string(facts.max_referrals_per_day) +
                                            " registrations today (UTC)");
  }
  const auto& chain = facts.referrer_chain;
  if (std::find(chain.begin(), chain.end(), facts.referee_client_id) != chain.end()) {
    return Refuse(FraudRule::kReferralCycle,
                  "client '" + facts.referee_client_id + "' is up the referrer's own chain");
  }
  return std::nullopt;
}

}  // namespace clienttier::referral
