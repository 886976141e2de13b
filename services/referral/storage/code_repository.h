#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "clienttier/referral/v1/referral_service.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"

namespace clienttier::referral {

// A code as stored, with its tenant (codes are unique across tenants).
struct StoredCode {
  std::string tenant_id;
  v1::ReferralCode code;
};

// referral_codes: every code ever issued, at most one active per client.
class CodeRepository {
 public:
  virtual ~CodeRepository() = default;

  // Any tenant's code, so a code typed into the wrong tenant is recognised as foreign.
  // `lock_shared` reads it with a shared lock, so it cannot be revoked until the caller commits.
  virtual std::optional<StoredCode> Find(Transaction& transaction, const std::string& code,
                                         bool lock_shared) = 0;
  // The same for many codes at once, by code.
  virtual std::map<std::string, StoredCode> FindMany(Transaction& transaction,
                                                     const std::vector<std::string>& codes,
                                                     bool lock_shared) = 0;
  virtual std::optional<v1::ReferralCode> FindActive(Transaction& transaction,
                                                     const std::string& tenant_id,
                                                     const std::string& client_id) = 0;
  // False, writing nothing, when the code is taken (the caller draws another) or the client has
  // an active code already (a concurrent IssueCode won).
  virtual bool Insert(Transaction& transaction, const std::string& tenant_id,
                      const v1::ReferralCode& code) = 0;
  // Returns false when the code was not active.
  virtual bool Revoke(Transaction& transaction, const std::string& tenant_id,
                      const std::string& code, UnixMicros now) = 0;
};

}  // namespace clienttier::referral
