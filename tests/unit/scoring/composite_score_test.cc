#include "services/scoring/domain/composite_score.h"

#include <gtest/gtest.h>

#include "services/scoring/domain/reason_text.h"

namespace clienttier::scoring {
namespace {

RfmScore Rfm(int r, int f, int m) {
  RfmScore score;
  score.recency = r;
  score.frequency = f;
  score.monetary = m;
  return score;
}

TEST(CompositeScoreTest, ConsumptionFromRfmPositions) {
  EXPECT_DOUBLE_EQ(ConsumptionScore(std::nullopt, 5), 0.0);
  EXPECT_DOUBLE_EQ(ConsumptionScore(Rfm(5, 5, 5), 5), 100.0);
  EXPECT_DOUBLE_EQ(ConsumptionScore(Rfm(1, 1, 1), 5), 0.0);
  EXPECT_DOUBLE_EQ(ConsumptionScore(Rfm(5, 1, 1), 5), 25.0);
  EXPECT_DOUBLE_EQ(ConsumptionScore(Rfm(1, 5, 1), 5), 35.0);
  EXPECT_DOUBLE_EQ(ConsumptionScore(Rfm(1, 1, 5), 5), 40.0);
  EXPECT_DOUBLE_EQ(ConsumptionScore(Rfm(3, 3, 3), 5), 50.0);
  EXPECT_DOUBLE_EQ(ConsumptionScore(Rfm(4, 4, 4), 4), 100.0);
  EXPECT_DOUBLE_EQ(ConsumptionScore(Rfm(1, 1, 2), 4), 40.0 / 3.0);
}

TEST(CompositeScoreTest, NeedDepthPoints) {
  EXPECT_DOUBLE_EQ(NeedDepthScore(NeedDepth::kUnspecified), 0.0);
  EXPECT_DOUBLE_EQ(NeedDepthScore(NeedDepth::kNone), 0.0);
  EXPECT_DOUBLE_EQ(NeedDepthScore(NeedDepth::kLight), 30.0);
  EXPECT_DOUBLE_EQ(NeedDepthScore(NeedDepth::kModerate), 65.0);
  EXPECT_DOUBLE_EQ(NeedDepthScore(NeedDepth::kDeep), 100.0);
}

TEST(CompositeScoreTest, WeightedBlend) {
  const CompositeConfig weights;  // 0.6 / 0.25 / 0.15
  EXPECT_DOUBLE_EQ(CompositeScore({100.0, 100.0, 100.0}, weights), 100.0);
  EXPECT_DOUBLE_EQ(CompositeScore({80.0, 65.0, 50.0}, weights), 71.75);
  EXPECT_DOUBLE_EQ(CompositeScore({0.0, 0.0, 100.0}, weights), 15.0);
  EXPECT_DOUBLE_EQ(CompositeScore({0.0, 0.0, 0.0}, weights), 0.0);
  EXPECT_DOUBLE_EQ(CompositeScore({50.0, 50.0, 50.0}, CompositeConfig{0.0, 1.0, 0.0}), 50.0);
}

TEST(CompositeScoreTest, ClampedToTheScale) {
  EXPECT_DOUBLE_EQ(CompositeScore({200.0, 200.0, 200.0}, CompositeConfig{}), 100.0);
  EXPECT_DOUBLE_EQ(CompositeScore({-50.0, 0.0, 0.0}, CompositeConfig{}), 0.0);
}

TEST(ReasonTextTest, TrimsTrailingZeros) {
  EXPECT_EQ(FormatScore(80.0), "80");
  EXPECT_EQ(FormatScore(81.2), "81.2");
  EXPECT_EQ(FormatScore(64.994), "64.99");
  EXPECT_EQ(FormatScore(-0.001), "0");
  EXPECT_EQ(FormatProbability(0.25), "0.25");
  EXPECT_EQ(FormatDecimal(1234.0, 0), "1234");
}

}  // namespace
}  // namespace clienttier::scoring
