#include "services/referral/domain/referral_metrics.h"

#include <gtest/gtest.h>

#include <cmath>

#include "clienttier/referral/v1/referral_service.pb.h"
#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "services/scoring/domain/propagation.h"

namespace clienttier::referral {
namespace {

ReferrerCounts Counts(int64_t invitations, int64_t registered, int64_t converted,
                      bool has_code = false) {
  ReferrerCounts counts;
  counts.invitations_sent = invitations;
  counts.registered = registered;
  counts.converted = converted;
  counts.has_code = has_code;
  return counts;
}

v1::PropagationTier TierOf(const ReferrerCounts& counts) {
  return static_cast<v1::PropagationTier>(ViewPropagation(counts).tier);
}

int IndexOf(const ReferrerCounts& counts) { return ViewPropagation(counts).index; }

TEST(ReferralMetricsTest, TierFollowsTheFunnel) {
  EXPECT_EQ(TierOf(Counts(0, 0, 0)), v1::PROPAGATION_TIER_SILENT);
  // A code alone is not referring anyone (scoring's rule; DESIGN.md "Propagation tier").
  EXPECT_EQ(TierOf(Counts(0, 0, 0, true)), v1::PROPAGATION_TIER_SILENT);
  EXPECT_EQ(TierOf(Counts(4, 0, 0)), v1::PROPAGATION_TIER_CONTRIBUTOR);
  EXPECT_EQ(TierOf(Counts(0, 1, 0)), v1::PROPAGATION_TIER_CONTRIBUTOR);
  EXPECT_EQ(TierOf(Counts(4, 3, 2)), v1::PROPAGATION_TIER_CONTRIBUTOR);
  EXPECT_EQ(TierOf(Counts(4, 3, 3)), v1::PROPAGATION_TIER_SPREADER);
}

TEST(ReferralMetricsTest, IndexSaturatesAtHundred) {
  EXPECT_EQ(IndexOf(Counts(0, 0, 0)), 0);
  // 20 points -> 50: two conversions (their invitations were not reported).
  EXPECT_EQ(IndexOf(Counts(0, 0, 2)), 50);
  // 60 points -> 75: six conversions.
  EXPECT_EQ(IndexOf(Counts(0, 0, 6)), 75);
  // 180 points -> 90; only the very busiest round to 100.
  EXPECT_EQ(IndexOf(Counts(0, 0, 18)), 90);
  EXPECT_EQ(IndexOf(Counts(1000, 1000, 1000)), 100);
  EXPECT_EQ(IndexOf(Counts(-5, -1, -1)), 0);  // corrupt counts never go negative
}

TEST(ReferralMetricsTest, IndexGrowsWithEveryStepOfTheFunnel) {
  const int base = IndexOf(Counts(2, 1, 0));
  EXPECT_GT(IndexOf(Counts(3, 1, 0)), base);  // one more invitation
  // A registration beyond the reported invitations is one more referral sent.
  EXPECT_GT(IndexOf(Counts(2, 3, 0)), IndexOf(Counts(2, 2, 0)));
  EXPECT_GT(IndexOf(Counts(2, 1, 1)), base);  // a conversion
}

// The boundary cases of the one definition, seen from both services: referral's view of its
// counts and scoring's classification of the facts its referral client builds from the same
// counts (the spreader boundary at 2/3 conversions, contributor at the first referral).
TEST(ReferralMetricsTest, AgreesWithScoringOnTheBoundaries) {
  for (int64_t invitations : {0, 1, 5}) {
    for (int64_t registered : {0, 1, 3}) {
      for (int64_t converted : {0, 1, 2, 3, 4}) {
        const ReferrerCounts counts = Counts(invitations, registered, converted);
        scoring::ClientFacts facts;
        const scoring::PropagationSignals signals =
            scoring::SignalsFromReferralCounts(invitations, registered, converted);
        facts.referrals_sent = signals.referrals_sent;
        facts.referrals_converted = signals.referrals_converted;
        const auto scored = scoring::ClassifyPropagation(facts, scoring::PropagationConfig{});
        EXPECT_EQ(ViewPropagation(counts).tier, static_cast<int>(scored))
            << invitations << "/" << registered << "/" << converted;
        EXPECT_EQ(ViewPropagation(counts).index,
                  static_cast<int>(std::lround(scoring::PropagationIndex(facts))));
      }
    }
  }
  EXPECT_EQ(TierOf(Counts(2, 2, 2)), v1::PROPAGATION_TIER_CONTRIBUTOR);
  EXPECT_EQ(TierOf(Counts(3, 3, 3)), v1::PROPAGATION_TIER_SPREADER);
}

TEST(ReferralMetricsTest, BothProtosNumberTheTiersAlike) {
  EXPECT_EQ(static_cast<int>(v1::PROPAGATION_TIER_SILENT),
            static_cast<int>(scoring::v1::PROPAGATION_TIER_SILENT));
  EXPECT_EQ(static_cast<int>(v1::PROPAGATION_TIER_PARTICIPANT),
            static_cast<int>(scoring::v1::PROPAGATION_TIER_PARTICIPANT));
  EXPECT_EQ(static_cast<int>(v1::PROPAGATION_TIER_CONTRIBUTOR),
            static_cast<int>(scoring::v1::PROPAGATION_TIER_CONTRIBUTOR));
  EXPECT_EQ(static_cast<int>(v1::PROPAGATION_TIER_SPREADER),
            static_cast<int>(scoring::v1::PROPAGATION_TIER_SPREADER));
  EXPECT_EQ(static_cast<int>(scoring::PropagationTier::kSpreader),
            static_cast<int>(scoring::v1::PROPAGATION_TIER_SPREADER));
  EXPECT_EQ(v1::PropagationTier_descriptor()->value_count(),
            scoring::v1::PropagationTier_descriptor()->value_count());
}

TEST(ReferralMetricsTest, RatesHandleEmptyFunnels) {
  EXPECT_DOUBLE_EQ(ConversionRate(0, 0), 0.0);
  EXPECT_DOUBLE_EQ(ConversionRate(8, 2), 0.25);
  EXPECT_DOUBLE_EQ(TenantKFactor(5, 0), 0.0);
  EXPECT_DOUBLE_EQ(TenantKFactor(30, 200), 0.15);
}

}  // namespace
}  // namespace clienttier::referral
