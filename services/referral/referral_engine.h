#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <cppconn/connection.h>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "clienttier/referral/v1/referral_service.pb.h"
#include "common/db/mysql_pool.h"
#include "common/outbox/outbox.h"
#include "common/time/utc_time.h"
#include "services/referral/domain/fraud_rules.h"
#include "services/referral/domain/referral_code.h"
#include "services/referral/domain/reward_rules.h"

namespace clienttier::referral {

struct ReferralEngineOptions {
  // The currency of a tenant's default rules until it stores its own.
  std::string default_currency = "CNY";
  // How long a replica keeps a tenant's rules before reading them again.
  std::chrono::milliseconds rules_ttl{5000};
};

// A paid occasion of a referee, from client-profile's stream or from ConvertReferral.
struct Purchase {
  std::string client_id;
  std::string transaction_id;
  int64_t amount_minor = 0;
  std::string currency;
  UnixMicros occurred_at = 0;
  // Only client-profile's stream adds later purchases to referred revenue: it is the record of
  // purchases, and a platform reporting the same purchase by RPC too must not count twice.
  bool from_profile_stream = false;
};

struct RegistrationRequest {
  std::string code;  // canonical (NormalizeCode)
  std::string referee_id;
};

// Exactly one is set: the referral (new, or the existing one for a retry) or the refusal.
struct RegistrationOutcome {
  std::optional<v1::Referral> referral;
  std::optional<Refusal> refusal;
};

// The referral service's writes: codes, registrations under the fraud rules, conversions and
// the rewards ledger. Each runs in one MySQL transaction together with its outbox events.
//
// Locking, so concurrent calls stay exact: a registration locks the referrer's and referee's
// referral_clients rows (in client-id order) before reading anything it decides on; a
// conversion locks the referral row, then the referrer's row. The ledger's unique key on
// (referral, side) is the last guard against a second reward.
class ReferralEngine {
 public:
  ReferralEngine(MySqlPool& pool, const Clock& clock, RandomBits random,
                 ReferralEngineOptions options);

  v1::ReferralCode IssueCode(const std::string& tenant_id, const std::string& client_id,
                             bool rotate);
  v1::ReferralCode RevokeCode(const std::string& tenant_id, const std::string& code_input);
  v1::RecordInvitationsResponse RecordInvitations(const std::string& tenant_id,
                                                  const std::string& client_id, int64_t count,
                                                  const std::string& idempotency_key);
  // One registration (RegisterReferral); throws InvalidArgument for a malformed code.
  RegistrationOutcome Register(const std::string& tenant_id, const std::string& code_input,
                               const std::string& referee_id);
  // Many in one transaction, in order: a later request sees the earlier ones (a referee claimed
  // twice in one batch, velocity, cycles). Set-based, so a batch costs a few statements.
  std::vector<RegistrationOutcome> RegisterMany(const std::string& tenant_id,
                                                const std::vector<RegistrationRequest>& requests);
  // NotFound when the client was not referred.
  v1::ConvertReferralResponse Convert(const std::string& tenant_id, const Purchase& purchase);

  // Applies client-profile events (paid transactions) in one transaction; returns how many
  // were new. ApplyProfileEvent is the one-at-a-time fallback; false for a duplicate.
  int ApplyProfileEvents(const std::vector<::clienttier::profile::v1::ProfileEvent>& events);
  bool ApplyProfileEvent(const ::clienttier::profile::v1::ProfileEvent& event);

  RewardRules Rules(const std::string& tenant_id);
  RewardRules PutRules(const std::string& tenant_id, const RewardRules& rules,
                       int64_t expected_version);

  MySqlPool& pool() { return pool_; }
  const Clock& clock() const { return clock_; }

 private:
  // The conversions (and referred revenue) purchases of one tenant cause, in order, inside
  // the caller's transaction; one response per purchase (outcome UNSPECIFIED: not a referee).
  std::vector<v1::ConvertReferralResponse> ApplyPurchases(sql::Connection& connection,
                                                          const std::string& tenant_id,
                                                          const RewardRules& rules,
                                                          const std::vector<Purchase>& purchases,
                                                          std::vector<OutboxEvent>* events);

  MySqlPool& pool_;
  const Clock& clock_;
  RandomBits random_;
  ReferralEngineOptions options_;

  struct CachedRules {
    RewardRules rules;
    std::chrono::steady_clock::time_point expires;
  };
  std::mutex rules_mutex_;
  std::unordered_map<std::string, CachedRules> rules_cache_;
};

}  // namespace clienttier::referral
