#include "services/scoring/domain/quadrant.h"

#include <gtest/gtest.h>

namespace clienttier::scoring {
namespace {

TEST(QuadrantTest, NearestRankPercentile) {
  EXPECT_EQ(NearestRankPercentile({4, 1, 3, 2}, 50.0), 2);
  EXPECT_EQ(NearestRankPercentile({3, 1, 2}, 50.0), 2);
  EXPECT_EQ(NearestRankPercentile({10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, 30.0), 30);
  EXPECT_EQ(NearestRankPercentile({10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, 31.0), 40);
  EXPECT_EQ(NearestRankPercentile({10, 20, 30}, 0.5), 10);
  EXPECT_EQ(NearestRankPercentile({}, 50.0), 0);
}

TEST(QuadrantTest, CutsAtTheMedian) {
  const QuadrantCuts cuts =
      ComputeQuadrantCuts({100, 400, 200, 300}, {-50, 10, 40, -20}, 50.0, 50.0);
  EXPECT_DOUBLE_EQ(cuts.value_percentile, 50.0);
  EXPECT_DOUBLE_EQ(cuts.potential_percentile, 50.0);
  EXPECT_EQ(cuts.value_cut_minor, 200);
  EXPECT_EQ(cuts.potential_cut_minor, -20);
}

TEST(QuadrantTest, HighIsStrictlyAboveTheCut) {
  QuadrantCuts cuts;
  cuts.value_cut_minor = 200;
  cuts.potential_cut_minor = -20;
  EXPECT_EQ(ClassifyQuadrant(300, 40, cuts), Quadrant::kStar);
  EXPECT_EQ(ClassifyQuadrant(300, -20, cuts), Quadrant::kCashCow);
  EXPECT_EQ(ClassifyQuadrant(200, 40, cuts), Quadrant::kQuestion);
  EXPECT_EQ(ClassifyQuadrant(200, -20, cuts), Quadrant::kDog);
  EXPECT_EQ(ClassifyQuadrant(201, -19, cuts), Quadrant::kStar);
}

TEST(QuadrantTest, ValueAndPotentialHaveTheirOwnPercentiles) {
  const QuadrantCuts cuts = ComputeQuadrantCuts({1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
                                                {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 80.0, 30.0);
  EXPECT_EQ(cuts.value_cut_minor, 8);
  EXPECT_EQ(cuts.potential_cut_minor, 3);
  EXPECT_EQ(ClassifyQuadrant(9, 3, cuts), Quadrant::kCashCow);
  EXPECT_EQ(ClassifyQuadrant(8, 4, cuts), Quadrant::kQuestion);
}

TEST(QuadrantTest, Names) {
  EXPECT_STREQ(Name(Quadrant::kUnspecified), "unspecified");
  EXPECT_STREQ(Name(Quadrant::kStar), "star");
  EXPECT_STREQ(Name(Quadrant::kCashCow), "cash_cow");
  EXPECT_STREQ(Name(Quadrant::kQuestion), "question");
  EXPECT_STREQ(Name(Quadrant::kDog), "dog");
}

}  // namespace
}  // namespace clienttier::scoring
