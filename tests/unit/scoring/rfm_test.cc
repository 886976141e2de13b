#include "services/scoring/domain/rfm.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

namespace clienttier::scoring {
namespace {

// Ten clients; by hand, with nearest-rank cuts at ascending positions 2, 4, 6, 8 (5 bins):
//   recency   3 10 10 20 45 60 90 200 300 400  -> cuts 10 20 60 200
//   frequency 1  1  1  1  2  2  3   4   6  10  -> cuts  1  1  2   4
//   monetary  100 200 ... 1000                 -> cuts 200 400 600 800
std::vector<RfmInput> TenClients() {
  return {
      {300, 1, 300}, {10, 6, 900}, {3, 10, 1000}, {60, 2, 500},  {400, 1, 100},
      {20, 4, 800},  {10, 3, 700}, {45, 2, 600},  {200, 1, 200}, {90, 1, 400},
  };
}

RfmConfig QuantileConfig(int64_t bins) {
  RfmConfig config;
  config.bins = bins;
  return config;
}

TEST(RfmBreakpointsTest, QuintileCutsOfAHandWorkedPopulation) {
  const RfmBreakpoints cuts = ComputeRfmBreakpoints(TenClients(), QuantileConfig(5));
  EXPECT_EQ(cuts.bins, 5);
  EXPECT_EQ(cuts.recency_cuts_days, (std::vector<int64_t>{10, 20, 60, 200}));
  EXPECT_EQ(cuts.frequency_cuts, (std::vector<int64_t>{1, 1, 2, 4}));
  EXPECT_EQ(cuts.monetary_cuts_minor, (std::vector<int64_t>{200, 400, 600, 800}));
}

TEST(RfmBreakpointsTest, CutsDoNotDependOnInputOrder) {
  std::vector<RfmInput> shuffled = TenClients();
  std::mt19937 random(7);
  for (int round = 0; round < 20; ++round) {
    std::shuffle(shuffled.begin(), shuffled.end(), random);
    const RfmBreakpoints cuts = ComputeRfmBreakpoints(shuffled, QuantileConfig(5));
    EXPECT_EQ(cuts.recency_cuts_days, (std::vector<int64_t>{10, 20, 60, 200}));
    EXPECT_EQ(cuts.frequency_cuts, (std::vector<int64_t>{1, 1, 2, 4}));
  }
}

TEST(RfmBreakpointsTest, TiesGetTheSameScore) {
  const RfmBreakpoints cuts = ComputeRfmBreakpoints(TenClients(), QuantileConfig(5));
  // The four one-purchase clients straddle three cuts yet all score F=1.
  for (const RfmInput& input : TenClients()) {
    if (input.frequency == 1) {
      EXPECT_EQ(ScoreRfm(input, cuts).frequency, 1);
    }
  }
  // Both 10-day clients score R=5, although only one of them is at or below position 2.
  EXPECT_EQ(ScoreRfm({10, 6, 900}, cuts).recency, 5);
  EXPECT_EQ(ScoreRfm({10, 3, 700}, cuts).recency, 5);
}

TEST(RfmBreakpointsTest, ScoresAgainstQuintileCuts) {
  const RfmBreakpoints cuts = ComputeRfmBreakpoints(TenClients(), QuantileConfig(5));
  const std::vector<std::pair<int64_t, int>> recency = {
      {3, 5}, {10, 5}, {20, 4}, {45, 3}, {60, 3}, {90, 2}, {200, 2}, {300, 1}, {400, 1}};
  for (const auto& [days, expected] : recency) {
    EXPECT_EQ(ScoreRfm({days, 1, 100}, cuts).recency, expected) << days;
  }
  const std::vector<std::pair<int64_t, int>> frequency = {{1, 1}, {2, 3}, {3, 4},
                                                          {4, 4}, {6, 5}, {10, 5}};
  for (const auto& [count, expected] : frequency) {
    EXPECT_EQ(ScoreRfm({3, count, 100}, cuts).frequency, expected) << count;
  }
  const std::vector<std::pair<int64_t, int>> monetary = {{100, 1}, {200, 1}, {201, 2},
                                                         {600, 3}, {801, 5}, {1000, 5}};
  for (const auto& [spend, expected] : monetary) {
    EXPECT_EQ(ScoreRfm({3, 1, spend}, cuts).monetary, expected) << spend;
  }
}

TEST(RfmBreakpointsTest, FourBinModeUsesQuartiles) {
  // Positions ceil(10 k / 4) = 3, 5, 8.
  const RfmBreakpoints cuts = ComputeRfmBreakpoints(TenClients(), QuantileConfig(4));
  EXPECT_EQ(cuts.bins, 4);
  EXPECT_EQ(cuts.recency_cuts_days, (std::vector<int64_t>{10, 45, 200}));
  EXPECT_EQ(cuts.frequency_cuts, (std::vector<int64_t>{1, 2, 4}));
  EXPECT_EQ(cuts.monetary_cuts_minor, (std::vector<int64_t>{300, 500, 800}));
  const RfmScore top = ScoreRfm({3, 10, 1000}, cuts);
  EXPECT_EQ(top.recency, 4);
  EXPECT_EQ(top.frequency, 4);
  EXPECT_EQ(top.monetary, 4);
  EXPECT_EQ(top.cell, 444);
  EXPECT_EQ(top.segment, RfmSegment::kChampions);
  const RfmScore bottom = ScoreRfm({400, 1, 300}, cuts);
  EXPECT_EQ(bottom.cell, 111);
  EXPECT_EQ(bottom.segment, RfmSegment::kLost);
}

// The reference: sort, then take the value at position ceil(k * n / bins).
std::vector<int64_t> SortedCuts(std::vector<int64_t> values, int64_t bins) {
  std::sort(values.begin(), values.end());
  std::vector<int64_t> cuts;
  const int64_t n = static_cast<int64_t>(values.size());
  for (int64_t k = 1; k < bins; ++k) {
    cuts.push_back(values[static_cast<size_t>((k * n + bins - 1) / bins - 1)]);
  }
  return cuts;
}

TEST(RfmBreakpointsTest, HistogramAndSelectionAgreeWithSorting) {
  // Recency and frequency here span little (histogram path), monetary spans billions
  // (selection path); both must give the sorted answer, with many ties, for odd sizes too.
  std::mt19937_64 random(11);
  for (const size_t size : {1u, 2u, 7u, 1'000u, 4'099u}) {
    for (const int64_t bins : {4, 5}) {
      std::vector<RfmInput> population;
      std::vector<int64_t> recency;
      std::vector<int64_t> frequency;
      std::vector<int64_t> monetary;
      for (size_t i = 0; i < size; ++i) {
        const RfmInput input{static_cast<int64_t>(random() % 1'000),
                             static_cast<int64_t>(random() % 4),
                             static_cast<int64_t>(random() % 5'000'000'000)};
        population.push_back(input);
        recency.push_back(input.recency_days);
        frequency.push_back(input.frequency);
        monetary.push_back(input.monetary_minor);
      }
      const RfmBreakpoints cuts = ComputeRfmBreakpoints(population, QuantileConfig(bins));
      EXPECT_EQ(cuts.recency_cuts_days, SortedCuts(recency, bins)) << size;
      EXPECT_EQ(cuts.frequency_cuts, SortedCuts(frequency, bins)) << size;
      EXPECT_EQ(cuts.monetary_cuts_minor, SortedCuts(monetary, bins)) << size;
    }
  }
}

TEST(RfmBreakpointsTest, FixedCutsAreInclusiveUpperEdges) {
  RfmConfig config;
  config.recency_cuts_days = {30, 90, 180, 365};
  config.frequency_cuts = {1, 2, 4, 8};
  config.monetary_cuts_minor = {10'000, 50'000, 100'000, 500'000};
  const RfmBreakpoints cuts = ComputeRfmBreakpoints(TenClients(), config);
  EXPECT_EQ(cuts.recency_cuts_days, config.recency_cuts_days);
  EXPECT_EQ(ScoreRfm({0, 1, 0}, cuts).recency, 5);
  EXPECT_EQ(ScoreRfm({30, 1, 0}, cuts).recency, 5);
  EXPECT_EQ(ScoreRfm({31, 1, 0}, cuts).recency, 4);
  EXPECT_EQ(ScoreRfm({365, 1, 0}, cuts).recency, 2);
  EXPECT_EQ(ScoreRfm({366, 1, 0}, cuts).recency, 1);
  EXPECT_EQ(ScoreRfm({0, 1, 0}, cuts).frequency, 1);
  EXPECT_EQ(ScoreRfm({0, 3, 0}, cuts).frequency, 3);
  EXPECT_EQ(ScoreRfm({0, 8, 0}, cuts).frequency, 4);
  EXPECT_EQ(ScoreRfm({0, 9, 0}, cuts).frequency, 5);
  EXPECT_EQ(ScoreRfm({0, 1, 500'000}, cuts).monetary, 4);
  EXPECT_EQ(ScoreRfm({0, 1, 500'001}, cuts).monetary, 5);
}

TEST(RfmBreakpointsTest, OneClientPopulation) {
  // Every cut is the one value: the client is as recent as anyone (R=5) and, with nobody
  // below it, lowest on F and M, so a single first buyer reads as "new".
  const RfmBreakpoints cuts = ComputeRfmBreakpoints({{5, 1, 2'000}}, QuantileConfig(5));
  EXPECT_EQ(cuts.monetary_cuts_minor, (std::vector<int64_t>{2'000, 2'000, 2'000, 2'000}));
  const RfmScore score = ScoreRfm({5, 1, 2'000}, cuts);
  EXPECT_EQ(CellString(score), "511");
  EXPECT_EQ(score.segment, RfmSegment::kNew);
}

TEST(RfmBreakpointsTest, EmptyPopulationGivesZeroCuts) {
  const RfmBreakpoints cuts = ComputeRfmBreakpoints(std::vector<RfmInput>{}, QuantileConfig(5));
  EXPECT_EQ(cuts.recency_cuts_days, (std::vector<int64_t>{0, 0, 0, 0}));
  EXPECT_EQ(cuts.frequency_cuts, (std::vector<int64_t>{0, 0, 0, 0}));
}

TEST(RfmBreakpointsTest, FromFactsSkipsClientsWithoutAPurchase) {
  std::vector<ClientFacts> population(3);
  population[0].purchase_count = 1;
  population[0].last_purchase_day = 990;
  population[0].purchases_365d = 1;
  population[0].spend_365d_minor = 500;
  population[1].purchase_count = 3;
  population[1].last_purchase_day = 900;
  population[1].purchases_365d = 3;
  population[1].spend_365d_minor = 9'000;
  // population[2] never bought: had it counted, frequency cuts would include 0.
  const RfmBreakpoints cuts = ComputeRfmBreakpoints(population, QuantileConfig(5), 1000);
  EXPECT_EQ(cuts.recency_cuts_days, (std::vector<int64_t>{10, 10, 100, 100}));
  EXPECT_EQ(cuts.frequency_cuts, (std::vector<int64_t>{1, 1, 3, 3}));
}

TEST(RfmInputTest, WindowSelectsTheMatchingAggregate) {
  ClientFacts facts;
  facts.purchase_count = 9;
  facts.last_purchase_day = 980;
  facts.purchases_30d = 1;
  facts.purchases_90d = 4;
  facts.purchases_365d = 9;
  facts.spend_30d_minor = 100;
  facts.spend_90d_minor = 400;
  facts.spend_365d_minor = 900;
  RfmConfig config;
  RfmInput input = RfmInputFromFacts(facts, config, 1000);
  EXPECT_EQ(input.recency_days, 20);
  EXPECT_EQ(input.frequency, 9);
  EXPECT_EQ(input.monetary_minor, 900);
  config.window_days = 90;
  input = RfmInputFromFacts(facts, config, 1000);
  EXPECT_EQ(input.frequency, 4);
  EXPECT_EQ(input.monetary_minor, 400);
  config.window_days = 30;
  input = RfmInputFromFacts(facts, config, 1000);
  EXPECT_EQ(input.frequency, 1);
  EXPECT_EQ(input.monetary_minor, 100);
}

TEST(RfmInputTest, HasPurchase) {
  ClientFacts facts;
  EXPECT_FALSE(HasPurchase(facts));
  facts.purchase_count = 1;
  facts.last_purchase_day = 10;
  EXPECT_TRUE(HasPurchase(facts));
}

TEST(RfmCellTest, CellNumberAndString) {
  RfmBreakpoints cuts;
  cuts.recency_cuts_days = {10, 20, 60, 200};
  cuts.frequency_cuts = {1, 1, 2, 4};
  cuts.monetary_cuts_minor = {200, 400, 600, 800};
  const RfmScore score = ScoreRfm({15, 6, 700}, cuts);
  EXPECT_EQ(score.recency, 4);
  EXPECT_EQ(score.frequency, 5);
  EXPECT_EQ(score.monetary, 4);
  EXPECT_EQ(score.cell, 454);
  EXPECT_EQ(CellString(score), "454");
  EXPECT_EQ(CellString(RfmScore{}), "");
}

// The table in rfm.h, row R = 5 first, FM = 1..5 left to right.
TEST(RfmSegmentTest, GridMatchesTheDocumentedTable) {
  using S = RfmSegment;
  const S expected[5][5] = {
      {S::kNew, S::kPotentialLoyalist, S::kPotentialLoyalist, S::kChampions, S::kChampions},
      {S::kPromising, S::kPotentialLoyalist, S::kPotentialLoyalist, S::kLoyal, S::kLoyal},
      {S::kAboutToSleep, S::kAboutToSleep, S::kNeedAttention, S::kLoyal, S::kLoyal},
      {S::kHibernating, S::kHibernating, S::kAtRisk, S::kAtRisk, S::kCannotLose},
      {S::kLost, S::kHibernating, S::kAtRisk, S::kAtRisk, S::kCannotLose},
  };
  for (int r = 1; r <= 5; ++r) {
    for (int fm = 1; fm <= 5; ++fm) {
      EXPECT_EQ(SegmentFor(r, fm, fm, 5), expected[5 - r][fm - 1]) << "R=" << r << " FM=" << fm;
    }
  }
}

TEST(RfmSegmentTest, FmIsTheAverageRoundedHalfUp) {
  EXPECT_EQ(SegmentFor(5, 1, 2, 5), RfmSegment::kPotentialLoyalist);  // 1.5 -> 2
  EXPECT_EQ(SegmentFor(5, 4, 3, 5), RfmSegment::kChampions);          // 3.5 -> 4
  EXPECT_EQ(SegmentFor(5, 1, 5, 5), RfmSegment::kPotentialLoyalist);  // 3
  EXPECT_EQ(SegmentFor(2, 5, 4, 5), RfmSegment::kCannotLose);         // 4.5 -> 5
  EXPECT_EQ(SegmentFor(3, 2, 3, 5), RfmSegment::kNeedAttention);      // 2.5 -> 3
}

TEST(RfmSegmentTest, EverySegmentIsReachable) {
  std::set<std::string> reached;
  for (int r = 1; r <= 5; ++r) {
    for (int f = 1; f <= 5; ++f) {
      for (int m = 1; m <= 5; ++m) {
        reached.insert(Name(SegmentFor(r, f, m, 5)));
      }
    }
  }
  const std::set<std::string> all = {"champions",
                                     "loyal",
                                     "potential_loyalist",
                                     "new",
                                     "promising",
                                     "need_attention",
                                     "about_to_sleep",
                                     "at_risk",
                                     "cannot_lose",
                                     "hibernating",
                                     "lost"};
  EXPECT_EQ(reached, all);
}

TEST(RfmSegmentTest, FourBinScoresUseTheFivePointTable) {
  // 1, 2, 3, 4 -> 1, 2, 4, 5
  EXPECT_EQ(SegmentFor(4, 4, 4, 4), RfmSegment::kChampions);
  EXPECT_EQ(SegmentFor(3, 3, 3, 4), RfmSegment::kLoyal);
  EXPECT_EQ(SegmentFor(4, 1, 1, 4), RfmSegment::kNew);
  EXPECT_EQ(SegmentFor(2, 1, 1, 4), RfmSegment::kHibernating);
  EXPECT_EQ(SegmentFor(1, 1, 1, 4), RfmSegment::kLost);
  EXPECT_EQ(SegmentFor(1, 4, 4, 4), RfmSegment::kCannotLose);
}

TEST(RfmSegmentTest, OutOfRangeScoresHaveNoSegment) {
  EXPECT_EQ(SegmentFor(0, 3, 3, 5), RfmSegment::kUnspecified);
  EXPECT_EQ(SegmentFor(6, 3, 3, 5), RfmSegment::kUnspecified);
  EXPECT_EQ(SegmentFor(5, 5, 5, 4), RfmSegment::kUnspecified);
  EXPECT_EQ(SegmentFor(3, 3, 3, 3), RfmSegment::kUnspecified);
}

TEST(RfmSegmentTest, Names) {
  EXPECT_STREQ(Name(RfmSegment::kUnspecified), "unspecified");
  EXPECT_STREQ(Name(RfmSegment::kChampions), "champions");
  EXPECT_STREQ(Name(RfmSegment::kPotentialLoyalist), "potential_loyalist");
  EXPECT_STREQ(Name(RfmSegment::kNeedAttention), "need_attention");
  EXPECT_STREQ(Name(RfmSegment::kAboutToSleep), "about_to_sleep");
  EXPECT_STREQ(Name(RfmSegment::kCannotLose), "cannot_lose");
  EXPECT_STREQ(Name(RfmSegment::kLost), "lost");
}

}  // namespace
}  // namespace clienttier::scoring
