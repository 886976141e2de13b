#include "services/scoring/domain/propagation.h"

#include <gtest/gtest.h>

namespace clienttier::scoring {
namespace {

PropagationTier TierOf(const ClientFacts& facts) {
  return ClassifyPropagation(facts, PropagationConfig{});
}

TEST(PropagationTest, SilentWithoutAnyInteraction) {
  const ClientFacts facts;
  EXPECT_EQ(TierOf(facts), PropagationTier::kSilent);
  EXPECT_DOUBLE_EQ(PropagationIndex(facts), 0.0);
}

TEST(PropagationTest, EventsOrContentMakeAParticipant) {
  ClientFacts facts;
  facts.events_attended = 1;
  EXPECT_EQ(TierOf(facts), PropagationTier::kParticipant);
  facts = ClientFacts{};
  facts.content_uses = 4;
  EXPECT_EQ(TierOf(facts), PropagationTier::kParticipant);
}

TEST(PropagationTest, SharingOrReferringMakesAContributor) {
  ClientFacts facts;
  facts.shares = 1;
  EXPECT_EQ(TierOf(facts), PropagationTier::kContributor);
  facts = ClientFacts{};
  facts.referrals_sent = 1;
  EXPECT_EQ(TierOf(facts), PropagationTier::kContributor);
  facts.referrals_converted = 2;
  EXPECT_EQ(TierOf(facts), PropagationTier::kContributor);
}

TEST(PropagationTest, ThreeConvertedReferralsMakeASpreader) {
  ClientFacts facts;
  facts.referrals_sent = 3;
  facts.referrals_converted = 3;
  EXPECT_EQ(TierOf(facts), PropagationTier::kSpreader);
  PropagationConfig config;
  config.spreader_min_converted = 5;
  EXPECT_EQ(ClassifyPropagation(facts, config), PropagationTier::kContributor);
}

TEST(PropagationTest, IndexIsSaturatingInWeightedPoints) {
  ClientFacts facts;
  facts.events_attended = 2;      //  2
  facts.content_uses = 4;         //  2
  facts.shares = 3;               //  6
  facts.referrals_sent = 0;       //  0
  facts.referrals_converted = 1;  // 10   -> 20 points
  EXPECT_DOUBLE_EQ(PropagationPoints(facts), 20.0);
  EXPECT_DOUBLE_EQ(PropagationIndex(facts), 50.0);
  facts.referrals_converted = 5;  // 60 points
  EXPECT_DOUBLE_EQ(PropagationIndex(facts), 75.0);
  facts.referrals_converted = 10'000;
  EXPECT_LT(PropagationIndex(facts), 100.0);
  EXPECT_GT(PropagationIndex(facts), 99.0);
}

TEST(PropagationTest, NegativeCountsCountAsZero) {
  ClientFacts facts;
  facts.shares = -5;
  facts.events_attended = 1;
  EXPECT_DOUBLE_EQ(PropagationPoints(facts), 1.0);
}

TEST(PropagationTest, Names) {
  EXPECT_STREQ(Name(PropagationTier::kUnspecified), "unspecified");
  EXPECT_STREQ(Name(PropagationTier::kSilent), "silent");
  EXPECT_STREQ(Name(PropagationTier::kParticipant), "participant");
  EXPECT_STREQ(Name(PropagationTier::kContributor), "contributor");
  EXPECT_STREQ(Name(PropagationTier::kSpreader), "spreader");
}

}  // namespace
}  // namespace clienttier::scoring
