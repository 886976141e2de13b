// GetTierDistribution's report figures (issue 17 part 7) against a tenant worked out by hand:
// each tier's share of the trailing-12-month revenue and the Pareto points.
#include <gtest/gtest.h>

#include <vector>

#include "services/scoring/domain/tier_distribution.h"

namespace clienttier::scoring {
namespace {

TEST(TierReportTest, RevenueSharesAndParetoPointsMatchTheHandComputedTenant) {
  // Ten clients, total 102,000 minor units:
  //   T1: 50,000 + 30,000 = 80,000  -> 80/102
  //   T2: 10,000 + 8,000 + 2,000 = 20,000 -> 20/102
  //   T3: 1,000 + 1,000 + 0 + 0 + 0 = 2,000 -> 2/102 (three prospects without revenue)
  struct Row {
    int tier;
    int64_t revenue;
  };
  const std::vector<Row> tenant{{3, 1000}, {1, 30000}, {2, 2000}, {3, 0},    {2, 10000},
                                {3, 0},    {1, 50000}, {3, 1000}, {2, 8000}, {3, 0}};
  TierDistributionTally tally;
  for (const Row& row : tenant) {
    tally.Add(row.tier, 0, 0, "", row.revenue);
  }
  EXPECT_EQ(tally.total_clients(), 10);
  EXPECT_EQ(tally.total_revenue_minor(), 102000);
  EXPECT_EQ(tally.TierClients(1), 2);
  EXPECT_EQ(tally.TierClients(2), 3);
  EXPECT_EQ(tally.TierClients(3), 5);
  EXPECT_EQ(tally.TierRevenueMinor(2), 20000);
  EXPECT_DOUBLE_EQ(tally.TierRevenueShare(1), 80.0 / 102.0);
  EXPECT_DOUBLE_EQ(tally.TierRevenueShare(2), 20.0 / 102.0);
  EXPECT_DOUBLE_EQ(tally.TierRevenueShare(3), 2.0 / 102.0);
  EXPECT_DOUBLE_EQ(
      tally.TierRevenueShare(1) + tally.TierRevenueShare(2) + tally.TierRevenueShare(3), 1.0);

  // The top ceil(s x 10) clients: 1% to 10% are the top client alone (50/102), 20% the top two
  // (80/102), 50% the top five (100/102: the T2 client of 2,000 is fifth), 100% everyone.
  const std::vector<ParetoPoint> pareto = tally.Pareto();
  ASSERT_EQ(pareto.size(), 6u);
  const std::vector<double> shares{0.01, 0.05, 0.1, 0.2, 0.5, 1.0};
  const std::vector<double> revenue{50.0 / 102, 50.0 / 102,  50.0 / 102,
                                    80.0 / 102, 100.0 / 102, 1.0};
  for (size_t i = 0; i < pareto.size(); ++i) {
    EXPECT_DOUBLE_EQ(pareto[i].client_share, shares[i]) << i;
    EXPECT_DOUBLE_EQ(pareto[i].revenue_share, revenue[i]) << i;
  }
}

TEST(TierReportTest, ATenantWithoutRevenueHasZeroSharesNotNaN) {
  TierDistributionTally tally;
  tally.Add(1, 0, 0, "", 0);
  tally.Add(3, 0, 0, "", 0);
  EXPECT_EQ(tally.TierRevenueShare(1), 0.0);
  for (const ParetoPoint& point : tally.Pareto()) {
    EXPECT_EQ(point.revenue_share, 0.0);
  }
}

}  // namespace
}  // namespace clienttier::scoring
