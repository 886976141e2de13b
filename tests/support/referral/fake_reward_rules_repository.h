#pragma once

#include <map>
#include <optional>
#include <string>

#include "common/errors/domain_error.h"
#include "services/referral/storage/reward_rules_repository.h"

namespace clienttier::referral::testing {

// reward_rules in memory, with the same optimistic version check.
class FakeRewardRulesRepository final : public RewardRulesRepository {
 public:
  std::optional<RewardRules> Load(Transaction& /*transaction*/,
                                  const std::string& tenant_id) override {
    ++loads;
    const auto stored = rules.find(tenant_id);
    if (stored == rules.end()) {
      return std::nullopt;
    }
    return stored->second;
  }
  RewardRules Save(Transaction& /*transaction*/, const std::string& tenant_id,
                   const RewardRules& input, int64_t expected_version,
                   UnixMicros /*now*/) override {
    const auto stored = rules.find(tenant_id);
    const int64_t version = stored == rules.end() ? 0 : stored->second.version;
    if (version != expected_version) {
      throw Conflict("reward rules changed since version " + std::to_string(expected_version) +
                     "; read them again");
    }
    RewardRules saved = input;
    saved.version = expected_version + 1;
    rules[tenant_id] = saved;
    return saved;
  }

  std::map<std::string, RewardRules> rules;
  int loads = 0;
};

}  // namespace clienttier::referral::testing
