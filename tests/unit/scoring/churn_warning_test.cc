#include "services/scoring/domain/churn_warning.h"

#include <gtest/gtest.h>

namespace clienttier::scoring {
namespace {

// Defaults: p_alive below 0.3, or inactive for 60 days or more.
ChurnWarning Evaluate(Tier tier, std::optional<double> p_alive, int64_t inactive_days) {
  return EvaluateChurnWarning(tier, p_alive, inactive_days, ChurnWarningConfig{});
}

TEST(ChurnWarningTest, LowPAliveWarnsTopTiers) {
  const ChurnWarning warning = Evaluate(Tier::kT1, 0.1, 5);
  EXPECT_TRUE(warning.warned);
  EXPECT_EQ(warning.reason, "T1 client: p_alive 0.1 < 0.3");
  EXPECT_FALSE(Evaluate(Tier::kT1, 0.3, 5).warned);  // "below" is strict
}

TEST(ChurnWarningTest, InactivityWarnsFromTheThreshold) {
  const ChurnWarning warning = Evaluate(Tier::kT2, 0.9, 60);
  EXPECT_TRUE(warning.warned);
  EXPECT_EQ(warning.reason, "T2 client: inactive 60 days >= 60");
  EXPECT_FALSE(Evaluate(Tier::kT2, 0.9, 59).warned);
}

TEST(ChurnWarningTest, NamesEveryCondition) {
  EXPECT_EQ(Evaluate(Tier::kT1, 0.25, 90).reason,
            "T1 client: p_alive 0.25 < 0.3; inactive 90 days >= 60");
}

TEST(ChurnWarningTest, T3AndUntieredAreNotWarned) {
  EXPECT_FALSE(Evaluate(Tier::kT3, 0.01, 400).warned);
  EXPECT_EQ(Evaluate(Tier::kT3, 0.01, 400).reason, "");
  EXPECT_FALSE(Evaluate(Tier::kUnspecified, 0.01, 400).warned);
}

TEST(ChurnWarningTest, UnknownsDoNotWarn) {
  EXPECT_FALSE(Evaluate(Tier::kT1, std::nullopt, 10).warned);
  EXPECT_FALSE(Evaluate(Tier::kT1, 0.9, -1).warned);
}

TEST(ChurnWarningTest, ThresholdsAreConfigurable) {
  ChurnWarningConfig config;
  config.p_alive_below = 0.5;
  config.inactive_days = 10;
  EXPECT_TRUE(EvaluateChurnWarning(Tier::kT1, 0.45, 0, config).warned);
  EXPECT_TRUE(EvaluateChurnWarning(Tier::kT1, 0.9, 10, config).warned);
}

}  // namespace
}  // namespace clienttier::scoring
