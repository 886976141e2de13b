#include "services/scoring/domain/need_depth.h"

#include <gtest/gtest.h>

namespace clienttier::scoring {
namespace {

TEST(NeedDepthTest, SessionCounts) {
  const NeedDepthConfig config;
  EXPECT_EQ(ClassifyNeedDepth(0, 0, config), NeedDepth::kNone);
  EXPECT_EQ(ClassifyNeedDepth(1, 1, config), NeedDepth::kLight);
  EXPECT_EQ(ClassifyNeedDepth(2, 1, config), NeedDepth::kModerate);
  EXPECT_EQ(ClassifyNeedDepth(3, 2, config), NeedDepth::kModerate);
  EXPECT_EQ(ClassifyNeedDepth(4, 1, config), NeedDepth::kDeep);
}

TEST(NeedDepthTest, SeveralActiveMonthsMakeItDeep) {
  const NeedDepthConfig config;
  EXPECT_EQ(ClassifyNeedDepth(3, 3, config), NeedDepth::kDeep);
  EXPECT_EQ(ClassifyNeedDepth(1, 3, config), NeedDepth::kDeep);
  EXPECT_EQ(ClassifyNeedDepth(3, 2, config), NeedDepth::kModerate);
}

TEST(NeedDepthTest, RulesAreConfigurable) {
  NeedDepthConfig config;
  config.moderate_min_sessions = 3;
  config.deep_min_sessions = 6;
  config.deep_min_active_months = 6;
  EXPECT_EQ(ClassifyNeedDepth(2, 1, config), NeedDepth::kLight);
  EXPECT_EQ(ClassifyNeedDepth(5, 5, config), NeedDepth::kModerate);
  EXPECT_EQ(ClassifyNeedDepth(6, 1, config), NeedDepth::kDeep);
  EXPECT_EQ(ClassifyNeedDepth(3, 6, config), NeedDepth::kDeep);
}

TEST(NeedDepthTest, FromFactsUsesPaidOccasionsAndActiveMonths) {
  ClientFacts facts;
  EXPECT_EQ(NeedDepthFor(facts, NeedDepthConfig{}), NeedDepth::kNone);
  facts.purchase_count = 1;
  facts.session_count = 1;
  facts.active_months = 1;
  EXPECT_EQ(NeedDepthFor(facts, NeedDepthConfig{}), NeedDepth::kLight);
  facts.purchase_count = 5;
  EXPECT_EQ(NeedDepthFor(facts, NeedDepthConfig{}), NeedDepth::kDeep);
}

TEST(NeedDepthTest, Names) {
  EXPECT_STREQ(Name(NeedDepth::kUnspecified), "unspecified");
  EXPECT_STREQ(Name(NeedDepth::kNone), "none");
  EXPECT_STREQ(Name(NeedDepth::kLight), "light");
  EXPECT_STREQ(Name(NeedDepth::kModerate), "moderate");
  EXPECT_STREQ(Name(NeedDepth::kDeep), "deep");
}

}  // namespace
}  // namespace clienttier::scoring
