#pragma once

#include <string>
#include <vector>

#include "clienttier/referral/v1/referral_service.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/referral/domain/referral_code.h"
#include "services/referral/storage/code_repository.h"
#include "services/referral/storage/referral_repository.h"

namespace clienttier::referral {

// The canonical form of a code a caller typed; throws InvalidArgument("code") when malformed.
std::string CanonicalCode(const std::string& input);

// IssueCode, IssueCodes and RevokeCode: at most one active code per client.
class ReferralCodes {
 public:
  ReferralCodes(TransactionRunner& transactions, CodeRepository& codes,
                ReferralRepository& referrals, const Clock& clock, RandomBits random);

  // The client's active code (a retry returns it); `rotate` revokes it and issues another.
  v1::ReferralCode Issue(const std::string& tenant_id, const std::string& client_id, bool rotate);
  // Issue without rotation for many clients in one transaction (IssueCodes): their codes in
  // request order; a client named twice gets the same code twice.
  std::vector<v1::ReferralCode> IssueMany(const std::string& tenant_id,
                                          const std::vector<std::string>& client_ids);
  // NotFound when the code is not the tenant's; InvalidArgument when malformed.
  v1::ReferralCode Revoke(const std::string& tenant_id, const std::string& code_input);

 private:
  // Issue's work once the client's row is locked.
  v1::ReferralCode IssueLocked(Transaction& transaction, const std::string& tenant_id,
                               const std::string& client_id, bool rotate, UnixMicros now);

  TransactionRunner& transactions_;
  CodeRepository& codes_;
  ReferralRepository& referrals_;
  const Clock& clock_;
  RandomBits random_;
};

}  // namespace clienttier::referral
