#include "services/referral/domain/reward_rules.h"

#include "common/errors/domain_error.h"
#include "common/validation/validation.h"

namespace clienttier::referral {

RewardRules DefaultRewardRules(const std::string& currency) {
  RewardRules rules;
  rules.currency = currency;
  return rules;
}

namespace {

void CheckAmount(const std::string& field, const RuleAmount& amount, int64_t min_units) {
  if (!validation::IsKnownCurrency(amount.currency)) {
    throw InvalidArgument(field + ".currency", "must be an ISO 4217 code such as \"CNY\"");
  }
  if (amount.units < min_units || amount.units > kMaxRewardMinor) {
    throw InvalidArgument(field + ".units", "must be between " + std::to_string(min_units) +
                                                " and " + std::to_string(kMaxRewardMinor));
  }
}

void CheckRange(const std::string& field, int64_t value, int64_t low, int64_t high) {
  if (value < low || value > high) {
    throw InvalidArgument(
        field, "must be between " + std::to_string(low) + " and " + std::to_string(high));
  }
}

}  // namespace

RewardRules ValidateRewardRules(const RewardRulesInput& input) {
  CheckAmount("rules.referrer_reward", input.referrer_reward, 0);
  CheckAmount("rules.referee_reward", input.referee_reward, 0);
  // A zero minimum would let a free session convert.
  CheckAmount("rules.qualifying_minimum", input.qualifying_minimum, 1);
  const std::string& currency = input.referrer_reward.currency;
  if (input.referee_reward.currency != currency) {
    throw InvalidArgument("rules.referee_reward.currency",
                          "must equal rules.referrer_reward.currency (" + currency + ")");
  }
  if (input.qualifying_minimum.currency != currency) {
    throw InvalidArgument("rules.qualifying_minimum.currency",
                          "must equal rules.referrer_reward.currency (" + currency + ")");
  }
  if (input.kind != static_cast<int>(RewardKind::kCredit) &&
      input.kind != static_cast<int>(RewardKind::kDiscount)) {
    throw InvalidArgument("rules.kind", "must be REWARD_KIND_CREDIT or REWARD_KIND_DISCOUNT");
  }
  CheckRange("rules.max_rewarded_per_referrer", input.max_rewarded_per_referrer, 0, 100'000);
  CheckRange("rules.cap_window_days", input.cap_window_days, 1, 3650);
  CheckRange("rules.max_referrals_per_day", input.max_referrals_per_day, 1, 10'000);

  RewardRules rules;
  rules.currency = currency;
  rules.referrer_reward_minor = input.referrer_reward.units;
  rules.referee_reward_minor = input.referee_reward.units;
  rules.kind = static_cast<RewardKind>(input.kind);
  rules.qualifying_minimum_minor = input.qualifying_minimum.units;
  rules.max_rewarded_per_referrer = input.max_rewarded_per_referrer;
  rules.cap_window_days = input.cap_window_days;
  rules.max_referrals_per_day = input.max_referrals_per_day;
  return rules;
}

bool IsQualifyingPurchase(const RewardRules& rules, int64_t amount_minor,
                          const std::string& currency) {
  return currency == rules.currency && amount_minor >= rules.qualifying_minimum_minor;
}

PlannedRewards PlanRewards(const RewardRules& rules, int64_t referrer_rewarded_in_window) {
  PlannedRewards planned;
  planned.referrer_capped = rules.max_rewarded_per_referrer > 0 &&
                            referrer_rewarded_in_window >= rules.max_rewarded_per_referrer;
  if (rules.referrer_reward_minor > 0 && !planned.referrer_capped) {
    planned.referrer_minor = rules.referrer_reward_minor;
  }
  if (rules.referee_reward_minor > 0) {
    planned.referee_minor = rules.referee_reward_minor;
  }
  return planned;
}

}  // namespace clienttier::referral
