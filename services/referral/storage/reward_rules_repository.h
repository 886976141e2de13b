#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/referral/domain/reward_rules.h"

namespace clienttier::referral {

// reward_rules: one versioned row per tenant (the tenant's referral settings).
class RewardRulesRepository {
 public:
  virtual ~RewardRulesRepository() = default;

  // Nothing when the tenant never stored rules (it runs on the defaults).
  virtual std::optional<RewardRules> Load(Transaction& transaction,
                                          const std::string& tenant_id) = 0;
  // Stores version expected_version + 1; throws Conflict when the stored version is not
  // `expected_version` (0: none stored).
  virtual RewardRules Save(Transaction& transaction, const std::string& tenant_id,
                           const RewardRules& rules, int64_t expected_version, UnixMicros now) = 0;
};

}  // namespace clienttier::referral
