#include "services/scoring/domain/pareto.h"

#include <gtest/gtest.h>

namespace clienttier::scoring {
namespace {

TEST(ParetoTest, TopShareTakesTheLargestRevenuesFirst) {
  // Ten clients: one brings 60 of 100.
  const auto points = ParetoCurve({5, 60, 5, 5, 5, 5, 5, 5, 5, 0}, {0.1, 0.2, 0.5, 1.0});
  ASSERT_EQ(points.size(), 4u);
  EXPECT_DOUBLE_EQ(points[0].revenue_share, 0.60);
  EXPECT_DOUBLE_EQ(points[1].revenue_share, 0.65);
  EXPECT_DOUBLE_EQ(points[2].revenue_share, 0.80);
  EXPECT_DOUBLE_EQ(points[3].revenue_share, 1.0);
}

TEST(ParetoTest, ASharePartwayIntoAClientRoundsUp) {
  const auto points = ParetoCurve({10, 30, 60}, {0.5});
  EXPECT_DOUBLE_EQ(points[0].revenue_share, 0.9);  // ceil(1.5) = 2 clients
}

TEST(ParetoTest, NoRevenueOrNoClientsGivesZeroShares) {
  EXPECT_DOUBLE_EQ(ParetoCurve({0, 0}, {0.5})[0].revenue_share, 0.0);
  EXPECT_DOUBLE_EQ(ParetoCurve({}, {0.5})[0].revenue_share, 0.0);
}

}  // namespace
}  // namespace clienttier::scoring
