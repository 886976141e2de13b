#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "services/referral/storage/code_repository.h"

namespace clienttier::referral::testing {

// referral_codes in memory, with the table's two keys: the code, and one active code per
// (tenant, client).
class FakeCodeRepository final : public CodeRepository {
 public:
  std::optional<StoredCode> Find(Transaction& transaction, const std::string& code,
                                 bool lock_shared) override {
    auto found = FindMany(transaction, {code}, lock_shared);
    if (found.empty()) {
      return std::nullopt;
    }
    return found.begin()->second;
  }
  std::map<std::string, StoredCode> FindMany(Transaction& /*transaction*/,
                                             const std::vector<std::string>& codes,
                                             bool /*lock_shared*/) override {
    std::map<std::string, StoredCode> found;
    for (const std::string& code : codes) {
      const auto stored = codes_.find(code);
      if (stored != codes_.end()) {
        found.emplace(code, stored->second);
      }
    }
    return found;
  }
  std::optional<v1::ReferralCode> FindActive(Transaction& /*transaction*/,
                                             const std::string& tenant_id,
                                             const std::string& client_id) override {
    for (const auto& [code, stored] : codes_) {
      if (IsActiveCodeOf(stored, tenant_id, client_id)) {
        return stored.code;
      }
    }
    return std::nullopt;
  }
  bool Insert(Transaction& transaction, const std::string& tenant_id,
              const v1::ReferralCode& code) override {
    ++insert_attempts;
    if (codes_.count(code.code()) != 0 || FindActive(transaction, tenant_id, code.client_id())) {
      return false;
    }
    codes_[code.code()] = StoredCode{tenant_id, code};
    return true;
  }
  bool Revoke(Transaction& /*transaction*/, const std::string& tenant_id, const std::string& code,
              UnixMicros now) override {
    const auto stored = codes_.find(code);
    if (stored == codes_.end() || stored->second.tenant_id != tenant_id ||
        stored->second.code.status() != v1::CODE_STATUS_ACTIVE) {
      return false;
    }
    stored->second.code.set_status(v1::CODE_STATUS_REVOKED);
    *stored->second.code.mutable_revoked_at() = ToProtoTimestamp(now);
    return true;
  }

  // For FakeReferralRepository's has_code, as the MySQL query's EXISTS over referral_codes.
  bool HasActiveCode(const std::string& tenant_id, const std::string& client_id) const {
    for (const auto& [code, stored] : codes_) {
      if (IsActiveCodeOf(stored, tenant_id, client_id)) {
        return true;
      }
    }
    return false;
  }
  int64_t ActiveCodes(const std::string& tenant_id) const {
    int64_t active = 0;
    for (const auto& [code, stored] : codes_) {
      if (stored.tenant_id == tenant_id && stored.code.status() == v1::CODE_STATUS_ACTIVE) {
        ++active;
      }
    }
    return active;
  }

  int insert_attempts = 0;

 private:
  static bool IsActiveCodeOf(const StoredCode& stored, const std::string& tenant_id,
                             const std::string& client_id) {
    return stored.tenant_id == tenant_id && stored.code.client_id() == client_id &&
           stored.code.status() == v1::CODE_STATUS_ACTIVE;
  }

  std::map<std::string, StoredCode> codes_;
};

}  // namespace clienttier::referral::testing
