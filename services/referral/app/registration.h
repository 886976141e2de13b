#pragma once

#include <optional>
#include <string>
#include <vector>

#include "clienttier/referral/v1/referral_service.pb.h"
#include "common/db/transaction.h"
#include "common/outbox/outbox_writer.h"
#include "common/time/utc_time.h"
#include "services/referral/app/reward_settings.h"
#include "services/referral/domain/fraud_rules.h"
#include "services/referral/storage/code_repository.h"
#include "services/referral/storage/referral_repository.h"

namespace clienttier::referral {

struct RegistrationRequest {
  std::string code;  // canonical (NormalizeCode)
  std::string referee_id;
};

// Exactly one is set: the referral (new, or the existing one for a retry) or the refusal.
struct RegistrationOutcome {
  std::optional<v1::Referral> referral;
  std::optional<Refusal> refusal;
};

// Referee registration under the fraud rules (RegisterReferral, RegisterReferrals), and a
// referee's referral (GetReferral). Each registration call is one transaction with its
// referral_registered events.
//
// Locking, so concurrent calls stay exact: the referrer's and referee's referral_clients rows
// are locked (in client-id order) before anything the rules decide on is read; the velocity
// count lives on the referrer's row, so it is exact while that lock is held.
class Registration {
 public:
  Registration(TransactionRunner& transactions, CodeRepository& codes,
               ReferralRepository& referrals, OutboxWriter& outbox, RewardSettings& settings,
               const Clock& clock);

  // One registration; throws InvalidArgument for a malformed code.
  RegistrationOutcome Register(const std::string& tenant_id, const std::string& code_input,
                               const std::string& referee_id);
  // Many in one transaction, in order: a later request sees the earlier ones (a referee claimed
  // twice in one batch, velocity, cycles). Set-based, so a batch costs a few statements.
  std::vector<RegistrationOutcome> RegisterMany(const std::string& tenant_id,
                                                const std::vector<RegistrationRequest>& requests);
  // NotFound when the client was not referred.
  v1::Referral Find(const std::string& tenant_id, const std::string& referee_id);

 private:
  TransactionRunner& transactions_;
  CodeRepository& codes_;
  ReferralRepository& referrals_;
  OutboxWriter& outbox_;
  RewardSettings& settings_;
  const Clock& clock_;
};

}  // namespace clienttier::referral
