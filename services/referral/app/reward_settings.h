#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/referral/domain/reward_rules.h"
#include "services/referral/storage/reward_rules_repository.h"

namespace clienttier::referral {

struct RewardSettingsOptions {
  // The currency of a tenant's default rules until it stores its own.
  std::string default_currency = "CNY";
  // How long a replica keeps a tenant's rules before reading them again.
  std::chrono::milliseconds rules_ttl{5000};
};

// A tenant's reward rules (Get/PutRewardRules), and the rules every other use case applies.
// Rules are read on almost every call and change rarely, so each replica keeps them for
// `rules_ttl`; a replica's own PutRules applies at once, another replica's within the TTL.
class RewardSettings {
 public:
  RewardSettings(TransactionRunner& transactions, RewardRulesRepository& rules, const Clock& clock,
                 RewardSettingsOptions options);

  // The stored rules, or the defaults (version 0) in the default currency.
  RewardRules Rules(const std::string& tenant_id);
  // Throws Conflict when the stored version is not `expected_version`.
  RewardRules PutRules(const std::string& tenant_id, const RewardRules& rules,
                       int64_t expected_version);

 private:
  TransactionRunner& transactions_;
  RewardRulesRepository& rules_;
  const Clock& clock_;
  RewardSettingsOptions options_;

  struct CachedRules {
    RewardRules rules;
    std::chrono::steady_clock::time_point expires;
  };
  std::mutex rules_mutex_;
  std::unordered_map<std::string, CachedRules> rules_cache_;
};

}  // namespace clienttier::referral
