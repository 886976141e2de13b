#include "services/referral/domain/reward_rules.h"

#include <gtest/gtest.h>

#include "common/errors/domain_error.h"

namespace clienttier::referral {
namespace {

RewardRulesInput ValidInput() {
  RewardRulesInput input;
  input.referrer_reward = {8000, "CNY"};
  input.referee_reward = {5000, "CNY"};
  input.qualifying_minimum = {30000, "CNY"};
  input.kind = 1;
  input.max_rewarded_per_referrer = 3;
  input.cap_window_days = 30;
  input.max_referrals_per_day = 5;
  return input;
}

std::string ErrorOf(const RewardRulesInput& input) {
  try {
    ValidateRewardRules(input);
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kInvalid);
    return error.what();
  }
  return "";
}

TEST(RewardRulesTest, ValidRulesConvert) {
  const RewardRules rules = ValidateRewardRules(ValidInput());
  EXPECT_EQ(rules.currency, "CNY");
  EXPECT_EQ(rules.referrer_reward_minor, 8000);
  EXPECT_EQ(rules.referee_reward_minor, 5000);
  EXPECT_EQ(rules.qualifying_minimum_minor, 30000);
  EXPECT_EQ(rules.kind, RewardKind::kCredit);
  EXPECT_EQ(rules.max_rewarded_per_referrer, 3);
  EXPECT_EQ(rules.cap_window_days, 30);
  EXPECT_EQ(rules.max_referrals_per_day, 5);
}

TEST(RewardRulesTest, EveryFieldIsNamedWhenWrong) {
  RewardRulesInput input = ValidInput();
  input.referrer_reward.currency = "XXQ";
  EXPECT_EQ(ErrorOf(input),
            "rules.referrer_reward.currency: must be an ISO 4217 code such as \"CNY\"");
  input = ValidInput();
  input.referee_reward.units = -1;
  EXPECT_EQ(ErrorOf(input), "rules.referee_reward.units: must be between 0 and 1000000000");
  input = ValidInput();
  input.qualifying_minimum.units = 0;
  EXPECT_EQ(ErrorOf(input), "rules.qualifying_minimum.units: must be between 1 and 1000000000");
  input = ValidInput();
  input.referee_reward.currency = "USD";
  EXPECT_EQ(ErrorOf(input),
            "rules.referee_reward.currency: must equal rules.referrer_reward.currency (CNY)");
  input = ValidInput();
  input.qualifying_minimum.currency = "USD";
  EXPECT_EQ(ErrorOf(input),
            "rules.qualifying_minimum.currency: must equal rules.referrer_reward.currency (CNY)");
  input = ValidInput();
  input.kind = 0;
  EXPECT_EQ(ErrorOf(input), "rules.kind: must be REWARD_KIND_CREDIT or REWARD_KIND_DISCOUNT");
  input = ValidInput();
  input.cap_window_days = 0;
  EXPECT_EQ(ErrorOf(input), "rules.cap_window_days: must be between 1 and 3650");
  input = ValidInput();
  input.max_referrals_per_day = 0;
  EXPECT_EQ(ErrorOf(input), "rules.max_referrals_per_day: must be between 1 and 10000");
  input = ValidInput();
  input.max_rewarded_per_referrer = -1;
  EXPECT_EQ(ErrorOf(input), "rules.max_rewarded_per_referrer: must be between 0 and 100000");
}

TEST(RewardRulesTest, QualifyingPurchaseNeedsCurrencyAndMinimum) {
  const RewardRules rules = ValidateRewardRules(ValidInput());
  EXPECT_TRUE(IsQualifyingPurchase(rules, 30000, "CNY"));  // exactly the minimum
  EXPECT_FALSE(IsQualifyingPurchase(rules, 29999, "CNY"));
  EXPECT_FALSE(IsQualifyingPurchase(rules, 1'000'000, "USD"));
}

TEST(RewardRulesTest, BothSidesAreRewardedUntilTheReferrersCap) {
  const RewardRules rules = ValidateRewardRules(ValidInput());  // cap 3
  PlannedRewards planned = PlanRewards(rules, 2);
  EXPECT_EQ(planned.referrer_minor, 8000);
  EXPECT_EQ(planned.referee_minor, 5000);
  EXPECT_FALSE(planned.referrer_capped);
  planned = PlanRewards(rules, 3);
  EXPECT_FALSE(planned.referrer_minor.has_value());
  EXPECT_TRUE(planned.referrer_capped);
  EXPECT_EQ(planned.referee_minor, 5000);  // the referee is never punished for the cap
}

TEST(RewardRulesTest, ZeroCapMeansUncappedAndZeroAmountWritesNothing) {
  RewardRulesInput input = ValidInput();
  input.max_rewarded_per_referrer = 0;
  input.referee_reward.units = 0;
  const PlannedRewards planned = PlanRewards(ValidateRewardRules(input), 1'000'000);
  EXPECT_EQ(planned.referrer_minor, 8000);
  EXPECT_FALSE(planned.referee_minor.has_value());
}

TEST(RewardRulesTest, DefaultsUseTheGivenCurrency) {
  const RewardRules rules = DefaultRewardRules("JPY");
  EXPECT_EQ(rules.currency, "JPY");
  EXPECT_EQ(rules.version, 0);
  EXPECT_GT(rules.max_referrals_per_day, 0);
}

}  // namespace
}  // namespace clienttier::referral
