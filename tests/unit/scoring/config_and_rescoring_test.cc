// ConfigAdmin, Rescoring and FitClvModel over the in-memory fakes.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/scoring/fake_scoring_world.h"

namespace clienttier::scoring {
namespace {

using testing::FakeScoringWorld;

constexpr char kTenant[] = "t1";

class ConfigAndRescoringTest : public ::testing::Test {
 protected:
  v1::TierOverride Fixed(v1::Tier tier) const {
    v1::TierOverride tier_override;
    tier_override.set_mode(v1::TierOverride::MODE_FIXED);
    tier_override.set_tier(tier);
    tier_override.set_reason("board member");
    tier_override.set_author("key-1");
    *tier_override.mutable_expires_at() =
        ToProtoTimestamp(FakeScoringWorld::kNow + 30 * kMicrosPerDay);
    return tier_override;
  }

  FakeScoringWorld world_;
};

TEST_F(ConfigAndRescoringTest, ScoreClientStoresTheScoreWithFreshReferralCounts) {
  world_.aggregates.AddBuyer(kTenant, "c1", 2, 5000, FakeScoringWorld::kToday - 10);
  world_.propagation.counts["c1"] = ReferralCounts{3, 3};
  world_.cache.shared[ScoreCacheKey(kTenant, "c1")] = v1::Score();

  const v1::Score score = world_.rescoring.ScoreClient(kTenant, "c1");

  EXPECT_EQ(score.client_id(), "c1");
  EXPECT_EQ(score.propagation_tier(), v1::PROPAGATION_TIER_SPREADER);
  EXPECT_EQ(world_.aggregates.clients.at({kTenant, "c1"}).counters.referrals_converted, 3);
  EXPECT_EQ(world_.scores.scores.at({kTenant, "c1"}).score.SerializeAsString(),
            score.SerializeAsString());
  EXPECT_EQ(world_.cache.shared.count(ScoreCacheKey(kTenant, "c1")), 0u);
}

// Storing referral counts writes the aggregate rows, so they are locked before the score rows:
// the profile consumers write aggregates, then lock scores, and the opposite order deadlocked
// them against the referral consumer in every 20,000-client demo run. Without counts to store,
// only the scores are locked.
TEST_F(ConfigAndRescoringTest, StoringReferralCountsLocksTheAggregatesBeforeTheScores) {
  world_.aggregates.AddBuyer(kTenant, "c1", 2, 5000, FakeScoringWorld::kToday - 10);
  world_.propagation.counts["c1"] = ReferralCounts{3, 3};
  world_.rescoring.ScoreClient(kTenant, "c1");
  EXPECT_EQ(world_.lock_order, (std::vector<std::string>{"aggregates", "scores"}));

  world_.lock_order.clear();
  world_.propagation.down = true;
  world_.rescoring.ScoreClient(kTenant, "c1");
  EXPECT_EQ(world_.lock_order, (std::vector<std::string>{"scores"}));
}

TEST_F(ConfigAndRescoringTest, ScoreClientKeepsTheStoredCountsWhenReferralIsDown) {
  world_.aggregates.AddBuyer(kTenant, "c1", 2, 5000, FakeScoringWorld::kToday - 10);
  world_.aggregates.clients.at({kTenant, "c1"}).counters.referrals_converted = 1;
  world_.propagation.down = true;

  world_.rescoring.ScoreClient(kTenant, "c1");

  EXPECT_EQ(world_.aggregates.clients.at({kTenant, "c1"}).counters.referrals_converted, 1);
  EXPECT_EQ(world_.aggregates.referral_rows_stored, 0);
}

TEST_F(ConfigAndRescoringTest, AnUnknownClientIsNotFoundAndNothingIsStored) {
  try {
    world_.rescoring.ScoreClient(kTenant, "nobody");
    FAIL() << "expected NotFound";
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kNotFound);
  }
  EXPECT_TRUE(world_.scores.scores.empty());
  EXPECT_THROW(world_.rescoring.ExplainScore(kTenant, "nobody"), DomainError);
}

TEST_F(ConfigAndRescoringTest, ExplainScoreStoresNothing) {
  world_.aggregates.AddBuyer(kTenant, "c1", 3, 5000, FakeScoringWorld::kToday - 10);
  const v1::ScoreExplanation explanation = world_.rescoring.ExplainScore(kTenant, "c1");
  EXPECT_EQ(explanation.score().client_id(), "c1");
  EXPECT_GT(explanation.contributions_size(), 0);
  EXPECT_TRUE(world_.scores.scores.empty());
  EXPECT_TRUE(world_.versions.populations[kTenant].empty());  // computed, not stored
}

TEST_F(ConfigAndRescoringTest, AFixedOverrideSetsTheTierAndClearingItRestoresTheScore) {
  world_.aggregates.AddBuyer(kTenant, "c1", 1, 100, FakeScoringWorld::kToday - 200);
  const v1::TierOverride tier_override = Fixed(v1::TIER_T1);

  const v1::Score fixed =
      world_.admin.SetTierOverride(kTenant, "c1", &tier_override, FakeScoringWorld::kNow);
  EXPECT_EQ(fixed.tier(), v1::TIER_T1);
  EXPECT_EQ(fixed.tier_override().reason(), "board member");
  EXPECT_EQ(world_.scores.overrides.count({kTenant, "c1"}), 1u);

  const v1::Score cleared =
      world_.admin.SetTierOverride(kTenant, "c1", nullptr, FakeScoringWorld::kNow);
  EXPECT_FALSE(cleared.has_tier_override());
  EXPECT_EQ(world_.scores.overrides.count({kTenant, "c1"}), 0u);
  EXPECT_EQ(world_.scores.scores.at({kTenant, "c1"}).score.tier(), cleared.tier());
}

TEST_F(ConfigAndRescoringTest, AnOverrideOfAnUnknownClientIsNotFound) {
  const v1::TierOverride tier_override = Fixed(v1::TIER_T2);
  EXPECT_THROW(
      world_.admin.SetTierOverride(kTenant, "nobody", &tier_override, FakeScoringWorld::kNow),
      DomainError);
  EXPECT_TRUE(world_.scores.scores.empty());
}

TEST_F(ConfigAndRescoringTest, PutScoringConfigVersionsAndGuardsConcurrentEdits) {
  v1::ScoringConfig config = world_.admin.GetScoringConfig(kTenant);
  EXPECT_EQ(config.version(), 0);

  const v1::ScoringConfig stored = world_.admin.PutScoringConfig(kTenant, config, 0, "key-1");
  EXPECT_EQ(stored.version(), 1);
  EXPECT_EQ(stored.author(), "key-1");
  EXPECT_EQ(FromProtoTimestamp(stored.created_at()), FakeScoringWorld::kNow);
  EXPECT_EQ(world_.admin.GetScoringConfig(kTenant).version(), 1);
  EXPECT_THROW(world_.admin.PutScoringConfig(kTenant, config, 0, "key-2"), DomainError);
}

TEST_F(ConfigAndRescoringTest, FitClvModelStoresANewVersionEvenWhenTheFitIsNotUsable) {
  world_.aggregates.AddBuyer(kTenant, "c1", 3, 5000, FakeScoringWorld::kToday - 10);
  const v1::ClvModel first = world_.jobs.FitClvModel(kTenant);
  EXPECT_EQ(first.version(), 1);
  EXPECT_FALSE(first.usable());  // one client is far too little data
  EXPECT_EQ(FromProtoTimestamp(first.fitted_at()), FakeScoringWorld::kNow);
  EXPECT_EQ(world_.jobs.FitClvModel(kTenant).version(), 2);
  ASSERT_EQ(world_.versions.models[kTenant].size(), 2u);
}

}  // namespace
}  // namespace clienttier::scoring
