#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace clienttier::referral {

// The rules a registration must pass, in the order they are checked. The order matters only
// for which name a refusal carries when several apply; the cheapest and most specific first.
enum class FraudRule {
  kForeignCode = 6,
  kRevokedCode = 7,
  kSelfReferral = 1,
  kRefereeAlreadyClaimed = 3,
  kExistingClient = 2,
  kVelocity = 4,
  kReferralCycle = 5,
  // Not checked here: the caller found no such code (RegisterReferrals reports it per item).
  kUnknownCode = 8,
};

// snake_case, the name that opens a refusal message ("self_referral").
const char* Name(FraudRule rule);

// How far up a referrer's chain the cycle rule looks. Chains are short in practice; the bound
// keeps a corrupt (already cyclic) chain from looping.
inline constexpr int kMaxChainDepth = 64;

// Everything the rules need about one attempted registration, gathered by the caller (under the
// locks that make the answer hold until it commits).
struct RegistrationFacts {
  std::string caller_tenant_id;
  std::string code_tenant_id;
  bool code_active = true;
  std::string referrer_client_id;  // the code's owner
  std::string referee_client_id;
  // The referrer that already registered this referee, if any.
  std::optional<std::string> existing_referrer_of_referee;
  bool referee_has_paid = false;
  int64_t referrer_registrations_today = 0;
  int64_t max_referrals_per_day = 0;
  // Who referred the referrer, who referred them, ... nearest first, at most kMaxChainDepth.
  std::vector<std::string> referrer_chain;
};

struct Refusal {
  FraudRule rule;
  std::string message;  // "self_referral: the referee owns the code"
};

// The first rule the registration breaks, or nothing when it may go ahead. A registration by
// the same referrer of the same referee again is not a refusal: it is a retry, which the caller
// answers with the existing referral before asking.
std::optional<Refusal> CheckRegistration(const RegistrationFacts& facts);

}  // namespace clienttier::referral
