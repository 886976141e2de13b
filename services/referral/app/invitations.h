#pragma once

#include <cstdint>
#include <string>

#include "clienttier/referral/v1/referral_service.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/referral/storage/invitation_keys.h"
#include "services/referral/storage/referral_repository.h"

namespace clienttier::referral {

// RecordInvitations: invitations a client sent, counted once per idempotency key.
class Invitations {
 public:
  Invitations(TransactionRunner& transactions, InvitationKeys& keys, ReferralRepository& referrals,
              const Clock& clock);

  v1::RecordInvitationsResponse Record(const std::string& tenant_id, const std::string& client_id,
                                       int64_t count, const std::string& idempotency_key);

 private:
  TransactionRunner& transactions_;
  InvitationKeys& keys_;
  ReferralRepository& referrals_;
  const Clock& clock_;
};

}  // namespace clienttier::referral
