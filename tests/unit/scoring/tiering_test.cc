#include "services/scoring/domain/tiering.h"

#include <gtest/gtest.h>

#include <vector>

#include "services/scoring/domain/calendar_days.h"

namespace clienttier::scoring {
namespace {

// Defaults: T1 >= 70, T2 >= 40, margin 5 points, grace 30 days.
const Day kDay = DayFromCivil({2026, 1, 1});

TierDecision Decide(double score, TierState previous, Day as_of = kDay,
                    std::optional<TierOverride> tier_override = std::nullopt,
                    const ScoringConfig& config = DefaultScoringConfig()) {
  return DecideTier(score, previous, tier_override, config, as_of);
}

TEST(TierForScoreTest, ThresholdsAreInclusive) {
  const TierConfig thresholds;
  EXPECT_EQ(TierForScore(100.0, thresholds), Tier::kT1);
  EXPECT_EQ(TierForScore(70.0, thresholds), Tier::kT1);
  EXPECT_EQ(TierForScore(69.99, thresholds), Tier::kT2);
  EXPECT_EQ(TierForScore(40.0, thresholds), Tier::kT2);
  EXPECT_EQ(TierForScore(39.99, thresholds), Tier::kT3);
  EXPECT_EQ(TierForScore(0.0, thresholds), Tier::kT3);
}

TEST(TieringTest, FirstScoringTakesTheEarnedTier) {
  const TierDecision decision = Decide(81.2, TierState{});
  EXPECT_EQ(decision.tier, Tier::kT1);
  EXPECT_TRUE(decision.changed);
  EXPECT_EQ(decision.reason, "initial: score 81.2 >= t1_min_score 70");
  EXPECT_EQ(decision.state.tier, Tier::kT1);
  EXPECT_EQ(decision.state.below_since, kNever);
  EXPECT_EQ(Decide(20.0, TierState{}).reason, "initial: score 20 < t2_min_score 40");
}

TEST(TieringTest, PromotionIsImmediate) {
  TierDecision decision = Decide(70.0, TierState{Tier::kT2, kNever});
  EXPECT_EQ(decision.tier, Tier::kT1);
  EXPECT_TRUE(decision.changed);
  EXPECT_EQ(decision.reason, "promoted: score 70 >= t1_min_score 70");

  decision = Decide(75.5, TierState{Tier::kT3, kNever});
  EXPECT_EQ(decision.tier, Tier::kT1);  // two steps at once
  EXPECT_EQ(decision.reason, "promoted: score 75.5 >= t1_min_score 70");

  decision = Decide(40.0, TierState{Tier::kT3, kNever});
  EXPECT_EQ(decision.tier, Tier::kT2);
  EXPECT_EQ(decision.reason, "promoted: score 40 >= t2_min_score 40");
}

TEST(TieringTest, SameTierIsUnchanged) {
  const TierDecision decision = Decide(55.0, TierState{Tier::kT2, kNever});
  EXPECT_EQ(decision.tier, Tier::kT2);
  EXPECT_FALSE(decision.changed);
  EXPECT_EQ(decision.reason, "unchanged: score 55 >= t2_min_score 40");
}

TEST(TieringTest, DemotionIsHeldInsideTheMargin) {
  const TierDecision decision = Decide(66.0, TierState{Tier::kT1, kNever});
  EXPECT_EQ(decision.tier, Tier::kT1);
  EXPECT_EQ(decision.score_tier, Tier::kT2);
  EXPECT_FALSE(decision.changed);
  EXPECT_EQ(decision.state.below_since, kDay);
  EXPECT_EQ(decision.reason,
            "held: within demotion margin: score 66 >= t1_min_score 70 - margin 5, below since "
            "2026-01-01 (0 of 30 grace days)");
}

TEST(TieringTest, ExactlyThresholdMinusMarginIsHeld) {
  EXPECT_EQ(Decide(65.0, TierState{Tier::kT1, kNever}).tier, Tier::kT1);
  EXPECT_EQ(Decide(35.0, TierState{Tier::kT2, kNever}).tier, Tier::kT2);
}

TEST(TieringTest, BelowTheMarginDemotesAtOnce) {
  const TierDecision decision = Decide(64.99, TierState{Tier::kT1, kNever});
  EXPECT_EQ(decision.tier, Tier::kT2);
  EXPECT_TRUE(decision.changed);
  EXPECT_EQ(decision.reason, "demoted: score 64.99 < t1_min_score 70 - margin 5");
  EXPECT_EQ(decision.state.tier, Tier::kT2);
  EXPECT_EQ(decision.state.below_since, kNever);
}

TEST(TieringTest, DemotionGoesToTheEarnedTier) {
  const TierDecision decision = Decide(20.0, TierState{Tier::kT1, kNever});
  EXPECT_EQ(decision.tier, Tier::kT3);
  EXPECT_TRUE(decision.changed);
}

TEST(TieringTest, DemotionAfterTheGracePeriod) {
  const TierState below_since_day{Tier::kT1, kDay};
  const TierDecision held = Decide(66.0, below_since_day, kDay + 29);
  EXPECT_EQ(held.tier, Tier::kT1);
  EXPECT_EQ(held.state.below_since, kDay);  // the run continues from its first day

  const TierDecision demoted = Decide(66.0, below_since_day, kDay + 30);
  EXPECT_EQ(demoted.tier, Tier::kT2);
  EXPECT_TRUE(demoted.changed);
  EXPECT_EQ(demoted.reason, "demoted: below t1_min_score 70 since 2026-01-01, 30 days >= grace 30");
}

TEST(TieringTest, RecoveringAboveTheThresholdEndsTheRun) {
  const TierDecision decision = Decide(71.0, TierState{Tier::kT1, kDay - 20}, kDay);
  EXPECT_EQ(decision.tier, Tier::kT1);
  EXPECT_EQ(decision.state.below_since, kNever);
}

TEST(TieringTest, ZeroGraceDemotesOnTheFirstDayBelow) {
  ScoringConfig config = DefaultScoringConfig();
  config.tiers.demotion_grace_days = 0;
  const TierDecision decision =
      Decide(69.0, TierState{Tier::kT1, kNever}, kDay, std::nullopt, config);
  EXPECT_EQ(decision.tier, Tier::kT2);
}

TEST(TieringTest, OscillatingScoreDoesNotFlap) {
  const std::vector<double> scores = {72, 67, 71, 66, 73, 68, 70, 65.5, 74, 69};
  TierState state{Tier::kT1, kNever};
  int changes = 0;
  int naive_changes = 0;
  Tier naive = Tier::kT1;
  for (size_t i = 0; i < scores.size(); ++i) {
    const TierDecision decision = Decide(scores[i], state, kDay + static_cast<Day>(i));
    changes += decision.changed ? 1 : 0;
    state = decision.state;
    const Tier earned = TierForScore(scores[i], TierConfig{});
    naive_changes += earned != naive ? 1 : 0;
    naive = earned;
  }
  EXPECT_EQ(changes, 0);
  EXPECT_EQ(state.tier, Tier::kT1);
  EXPECT_EQ(naive_changes, 9);  // what thresholds alone would have done
}

TEST(TieringTest, StayingJustBelowDemotesOnceAfterGrace) {
  TierState state{Tier::kT1, kNever};
  std::vector<Day> change_days;
  for (Day day = kDay; day < kDay + 60; ++day) {
    const TierDecision decision = Decide(67.0, state, day);
    if (decision.changed) {
      change_days.push_back(day);
    }
    state = decision.state;
  }
  EXPECT_EQ(change_days, (std::vector<Day>{kDay + 30}));
  EXPECT_EQ(state.tier, Tier::kT2);
}

TEST(TieringTest, HeldAtT2InsideItsMargin) {
  const TierDecision decision = Decide(37.0, TierState{Tier::kT2, kNever});
  EXPECT_EQ(decision.tier, Tier::kT2);
  EXPECT_EQ(decision.state.below_since, kDay);
}

TEST(TierOverrideTest, FloorLiftsALowTier) {
  const TierOverride floor{OverrideMode::kFloor, Tier::kT2, DayFromCivil({2026, 12, 31})};
  const TierDecision decision = Decide(20.0, TierState{Tier::kT3, kNever}, kDay, floor);
  EXPECT_EQ(decision.tier, Tier::kT2);
  EXPECT_EQ(decision.held_tier, Tier::kT3);
  EXPECT_TRUE(decision.override_applied);
  EXPECT_TRUE(decision.changed);
  EXPECT_EQ(decision.reason,
            "override: floor T2 until 2026-12-31; unchanged: score 20 < t2_min_score 40");
  EXPECT_EQ(decision.state.tier, Tier::kT2);
  EXPECT_EQ(decision.state.below_since, kDay);
}

TEST(TierOverrideTest, FloorDoesNotHoldBackABetterScore) {
  const TierOverride floor{OverrideMode::kFloor, Tier::kT2, kNever};
  const TierDecision decision = Decide(90.0, TierState{Tier::kT2, kNever}, kDay, floor);
  EXPECT_EQ(decision.tier, Tier::kT1);
  EXPECT_FALSE(decision.override_applied);
  EXPECT_EQ(decision.reason, "promoted: score 90 >= t1_min_score 70");
}

TEST(TierOverrideTest, FixedSetsTheTierEitherWay) {
  const TierOverride fixed{OverrideMode::kFixed, Tier::kT3, kNever};
  const TierDecision decision = Decide(90.0, TierState{Tier::kT1, kNever}, kDay, fixed);
  EXPECT_EQ(decision.tier, Tier::kT3);
  EXPECT_TRUE(decision.override_applied);
  EXPECT_TRUE(decision.changed);
  EXPECT_EQ(decision.reason,
            "override: fixed T3 (no expiry); unchanged: score 90 >= t1_min_score 70");

  const TierOverride fixed_top{OverrideMode::kFixed, Tier::kT1, kNever};
  EXPECT_EQ(Decide(10.0, TierState{Tier::kT3, kNever}, kDay, fixed_top).tier, Tier::kT1);
}

TEST(TierOverrideTest, ExpiresAfterItsLastDay) {
  const TierOverride fixed{OverrideMode::kFixed, Tier::kT1, kDay};
  EXPECT_TRUE(OverrideActive(fixed, kDay));
  EXPECT_FALSE(OverrideActive(fixed, kDay + 1));
  EXPECT_EQ(Decide(10.0, TierState{Tier::kT1, kNever}, kDay, fixed).tier, Tier::kT1);
  // The day after, the published T1 meets a score far below the margin: demoted at once.
  const TierDecision after = Decide(10.0, TierState{Tier::kT1, kDay}, kDay + 1, fixed);
  EXPECT_EQ(after.tier, Tier::kT3);
  EXPECT_FALSE(after.override_applied);
  EXPECT_TRUE(after.changed);
}

TEST(TierOverrideTest, IncompleteOverrideIsIgnored) {
  EXPECT_FALSE(OverrideActive(TierOverride{OverrideMode::kUnspecified, Tier::kT1, kNever}, kDay));
  EXPECT_FALSE(
      OverrideActive(TierOverride{OverrideMode::kFixed, Tier::kUnspecified, kNever}, kDay));
  EXPECT_TRUE(OverrideActive(TierOverride{OverrideMode::kFloor, Tier::kT2, kNever}, kDay + 9'999));
}

TEST(TieringTest, Names) {
  EXPECT_STREQ(Name(Tier::kUnspecified), "unspecified");
  EXPECT_STREQ(Name(Tier::kT1), "T1");
  EXPECT_STREQ(Name(Tier::kT2), "T2");
  EXPECT_STREQ(Name(Tier::kT3), "T3");
  EXPECT_STREQ(Name(OverrideMode::kFloor), "floor");
  EXPECT_STREQ(Name(OverrideMode::kFixed), "fixed");
  EXPECT_STREQ(Name(OverrideMode::kUnspecified), "unspecified");
}

}  // namespace
}  // namespace clienttier::scoring
