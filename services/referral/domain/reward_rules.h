#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace clienttier::referral {

enum class RewardKind { kCredit = 1, kDiscount = 2 };

// A tenant's reward rules (clienttier.referral.v1.RewardRules). Every amount is in `currency`:
// the rewards and the qualifying minimum share it, so a purchase in another currency never
// converts.
struct RewardRules {
  std::string currency;
  int64_t referrer_reward_minor = 5'000;
  int64_t referee_reward_minor = 5'000;
  RewardKind kind = RewardKind::kCredit;
  int64_t qualifying_minimum_minor = 1;
  int64_t max_rewarded_per_referrer = 50;  // 0: no cap
  int64_t cap_window_days = 365;
  int64_t max_referrals_per_day = 20;
  int64_t version = 0;  // 0: the defaults, never stored
};

RewardRules DefaultRewardRules(const std::string& currency);

inline constexpr int64_t kMaxRewardMinor = 1'000'000'000;

// An amount as a caller sent it, with its own currency, for validation.
struct RuleAmount {
  int64_t units = 0;
  std::string currency;
};

struct RewardRulesInput {
  RuleAmount referrer_reward;
  RuleAmount referee_reward;
  RuleAmount qualifying_minimum;
  int kind = 0;  // the proto enum value
  int64_t max_rewarded_per_referrer = 0;
  int64_t cap_window_days = 0;
  int64_t max_referrals_per_day = 0;
};

// Validates and converts; throws InvalidArgument naming `rules.<field>` and the rule. The three
// amounts must share one known currency.
RewardRules ValidateRewardRules(const RewardRulesInput& input);

// A purchase converts a referral when it is in the rules' currency and reaches the minimum.
bool IsQualifyingPurchase(const RewardRules& rules, int64_t amount_minor,
                          const std::string& currency);

struct PlannedRewards {
  // Unset when the amount is zero or the referrer reached its cap.
  std::optional<int64_t> referrer_minor;
  std::optional<int64_t> referee_minor;
  bool referrer_capped = false;
};

// The rewards one conversion writes, given how many conversions the referrer was already
// rewarded for within the cap window.
PlannedRewards PlanRewards(const RewardRules& rules, int64_t referrer_rewarded_in_window);

}  // namespace clienttier::referral
