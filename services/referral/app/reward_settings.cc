#include "services/referral/app/reward_settings.h"

#include <optional>

namespace clienttier::referral {

RewardSettings::RewardSettings(TransactionRunner& transactions, RewardRulesRepository& rules,
                               const Clock& clock, RewardSettingsOptions options)
    : transactions_(transactions), rules_(rules), clock_(clock), options_(std::move(options)) {}

RewardRules RewardSettings::Rules(const std::string& tenant_id) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(rules_mutex_);
    auto cached = rules_cache_.find(tenant_id);
    if (cached != rules_cache_.end() && cached->second.expires > now) {
      return cached->second.rules;
    }
  }
  RewardRules rules = DefaultRewardRules(options_.default_currency);
  transactions_.Read([&](Transaction& transaction) {
    if (std::optional<RewardRules> stored = rules_.Load(transaction, tenant_id)) {
      rules = *stored;
    }
  });
  std::lock_guard<std::mutex> lock(rules_mutex_);
  rules_cache_[tenant_id] = CachedRules{rules, now + options_.rules_ttl};
  return rules;
}

RewardRules RewardSettings::PutRules(const std::string& tenant_id, const RewardRules& rules,
                                     int64_t expected_version) {
  RewardRules saved;
  transactions_.InTransaction([&](Transaction& transaction) {
    saved = rules_.Save(transaction, tenant_id, rules, expected_version, clock_.Now());
  });
  std::lock_guard<std::mutex> lock(rules_mutex_);
  rules_cache_[tenant_id] =
      CachedRules{saved, std::chrono::steady_clock::now() + options_.rules_ttl};
  return saved;
}

}  // namespace clienttier::referral
