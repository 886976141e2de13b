#pragma once

#include "services/referral/storage/reward_rules_repository.h"

namespace clienttier::referral {

class MySqlRewardRulesRepository final : public RewardRulesRepository {
 public:
  std::optional<RewardRules> Load(Transaction& transaction, const std::string& tenant_id) override;
  RewardRules Save(Transaction& transaction, const std::string& tenant_id, const RewardRules& rules,
                   int64_t expected_version, UnixMicros now) override;
};

}  // namespace clienttier::referral
