#include "services/referral/domain/referral_metrics.h"

#include <gtest/gtest.h>

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

TEST(ReferralMetricsTest, TierFollowsTheFunnel) {
  EXPECT_EQ(ClassifyPropagation(Counts(0, 0, 0)), PropagationTier::kSilent);
  EXPECT_EQ(ClassifyPropagation(Counts(0, 0, 0, true)), PropagationTier::kParticipant);
  EXPECT_EQ(ClassifyPropagation(Counts(4, 0, 0)), PropagationTier::kParticipant);
  EXPECT_EQ(ClassifyPropagation(Counts(4, 1, 0)), PropagationTier::kContributor);
  EXPECT_EQ(ClassifyPropagation(Counts(4, 3, 1)), PropagationTier::kContributor);
  EXPECT_EQ(ClassifyPropagation(Counts(4, 3, 2)), PropagationTier::kSpreader);
}

TEST(ReferralMetricsTest, IndexSaturatesAtHundred) {
  EXPECT_EQ(PropagationIndex(Counts(0, 0, 0)), 0);
  // 20 points -> 50: one conversion (10), its registration (3) and 7 invitations.
  EXPECT_EQ(PropagationIndex(Counts(7, 1, 1)), 50);
  // 60 points -> 75.
  EXPECT_EQ(PropagationIndex(Counts(8, 4, 4)), 75);
  // 180 points -> 90; only the very busiest round to 100.
  EXPECT_EQ(PropagationIndex(Counts(50, 10, 10)), 90);
  EXPECT_EQ(PropagationIndex(Counts(1000, 1000, 1000)), 100);
  EXPECT_EQ(PropagationIndex(Counts(-5, -1, -1)), 0);  // corrupt counts never go negative
}

TEST(ReferralMetricsTest, IndexGrowsWithEveryStepOfTheFunnel) {
  const int base = PropagationIndex(Counts(2, 1, 0));
  EXPECT_GT(PropagationIndex(Counts(3, 1, 0)), base);
  EXPECT_GT(PropagationIndex(Counts(2, 2, 0)), PropagationIndex(Counts(3, 1, 0)));
  EXPECT_GT(PropagationIndex(Counts(2, 1, 1)), PropagationIndex(Counts(2, 2, 0)));
}

TEST(ReferralMetricsTest, RatesHandleEmptyFunnels) {
  EXPECT_DOUBLE_EQ(ConversionRate(0, 0), 0.0);
  EXPECT_DOUBLE_EQ(ConversionRate(8, 2), 0.25);
  EXPECT_DOUBLE_EQ(TenantKFactor(5, 0), 0.0);
  EXPECT_DOUBLE_EQ(TenantKFactor(30, 200), 0.15);
}

}  // namespace
}  // namespace clienttier::referral
