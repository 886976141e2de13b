#pragma once

#include "services/referral/storage/code_repository.h"

namespace clienttier::referral {

class MySqlCodeRepository final : public CodeRepository {
 public:
  std::optional<StoredCode> Find(Transaction& transaction, const std::string& code,
                                 bool lock_shared) override;
  std::map<std::string, StoredCode> FindMany(Transaction& transaction,
                                             const std::vector<std::string>& codes,
                                             bool lock_shared) override;
  std::optional<v1::ReferralCode> FindActive(Transaction& transaction, const std::string& tenant_id,
                                             const std::string& client_id) override;
  bool Insert(Transaction& transaction, const std::string& tenant_id,
              const v1::ReferralCode& code) override;
  bool Revoke(Transaction& transaction, const std::string& tenant_id, const std::string& code,
              UnixMicros now) override;
};

}  // namespace clienttier::referral
