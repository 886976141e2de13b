#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <cppconn/connection.h>

#include "clienttier/referral/v1/referral_service.pb.h"
#include "common/time/utc_time.h"

namespace clienttier::referral {

// A code as stored, with its tenant (codes are unique across tenants).
struct StoredCode {
  std::string tenant_id;
  v1::ReferralCode code;
};

// referral_codes: every code ever issued, at most one active per client.
class CodeStore {
 public:
  // Any tenant's code, so a code typed into the wrong tenant is recognised as foreign.
  // `lock_shared` reads it with a shared lock, so it cannot be revoked until the caller commits.
  static std::optional<StoredCode> Find(sql::Connection& connection, const std::string& code,
                                        bool lock_shared);
  // The same for many codes at once, by code.
  static std::map<std::string, StoredCode> FindMany(sql::Connection& connection,
                                                    const std::vector<std::string>& codes,
                                                    bool lock_shared);
  static std::optional<v1::ReferralCode> FindActive(sql::Connection& connection,
                                                    const std::string& tenant_id,
                                                    const std::string& client_id);
  // Throws AlreadyExists when the code is taken (the caller draws another) or the client has
  // an active code already (a concurrent IssueCode won).
  static void Insert(sql::Connection& connection, const std::string& tenant_id,
                     const v1::ReferralCode& code);
  // Returns false when the code was not active.
  static bool Revoke(sql::Connection& connection, const std::string& tenant_id,
                     const std::string& code, UnixMicros now);
};

}  // namespace clienttier::referral
