#include "services/referral/app/codes.h"

#include <map>
#include <optional>

#include "common/errors/domain_error.h"

namespace clienttier::referral {

namespace {

constexpr int kCodeDraws = 5;

}  // namespace

std::string CanonicalCode(const std::string& input) {
  std::optional<std::string> code = NormalizeCode(input);
  if (!code) {
    throw InvalidArgument("code", kCodeRule);
  }
  return *code;
}

ReferralCodes::ReferralCodes(TransactionRunner& transactions, CodeRepository& codes,
                             ReferralRepository& referrals, const Clock& clock, RandomBits random)
    : transactions_(transactions),
      codes_(codes),
      referrals_(referrals),
      clock_(clock),
      random_(std::move(random)) {}

v1::ReferralCode ReferralCodes::Issue(const std::string& tenant_id, const std::string& client_id,
                                      bool rotate) {
  v1::ReferralCode issued;
  transactions_.InTransaction([&](Transaction& transaction) {
    // Serialises IssueCode calls for one client, so "one active code" holds without relying on
    // the unique key's error alone.
    referrals_.LockClients(transaction, tenant_id, {client_id});
    issued = IssueLocked(transaction, tenant_id, client_id, rotate, clock_.Now());
  });
  return issued;
}

std::vector<v1::ReferralCode> ReferralCodes::IssueMany(const std::string& tenant_id,
                                                       const std::vector<std::string>& client_ids) {
  std::vector<v1::ReferralCode> issued;
  transactions_.InTransaction([&](Transaction& transaction) {
    issued.clear();
    // One lock statement for all of them, in client-id order like every other locker.
    referrals_.LockClients(transaction, tenant_id, client_ids);
    const UnixMicros now = clock_.Now();
    std::map<std::string, v1::ReferralCode> by_client;
    for (const std::string& client_id : client_ids) {
      auto known = by_client.find(client_id);
      if (known == by_client.end()) {
        known = by_client
                    .emplace(client_id, IssueLocked(transaction, tenant_id, client_id,
                                                    /*rotate=*/false, now))
                    .first;
      }
      issued.push_back(known->second);
    }
  });
  return issued;
}

v1::ReferralCode ReferralCodes::IssueLocked(Transaction& transaction, const std::string& tenant_id,
                                            const std::string& client_id, bool rotate,
                                            UnixMicros now) {
  if (std::optional<v1::ReferralCode> active =
          codes_.FindActive(transaction, tenant_id, client_id)) {
    if (!rotate) {
      return *active;
    }
    codes_.Revoke(transaction, tenant_id, active->code(), now);
  }
  v1::ReferralCode issued;
  issued.set_client_id(client_id);
  issued.set_status(v1::CODE_STATUS_ACTIVE);
  *issued.mutable_issued_at() = ToProtoTimestamp(now);
  for (int draw = 1;; ++draw) {
    issued.set_code(GenerateCode(random_));
    if (codes_.Insert(transaction, tenant_id, issued)) {
      return issued;
    }
    // A taken code (1 in ~1e9 per draw): draw again. The same words the duplicate key error of
    // the last draw used to reach the caller with.
    if (draw == kCodeDraws) {
      throw AlreadyExists("already exists");
    }
  }
}

v1::ReferralCode ReferralCodes::Revoke(const std::string& tenant_id,
                                       const std::string& code_input) {
  const std::string code = CanonicalCode(code_input);
  v1::ReferralCode revoked;
  transactions_.InTransaction([&](Transaction& transaction) {
    std::optional<StoredCode> stored = codes_.Find(transaction, code, /*lock_shared=*/false);
    if (!stored || stored->tenant_id != tenant_id) {
      throw NotFound("code '" + code + "' not found");
    }
    codes_.Revoke(transaction, tenant_id, code, clock_.Now());
    revoked = codes_.Find(transaction, code, false)->code;
  });
  return revoked;
}

}  // namespace clienttier::referral
