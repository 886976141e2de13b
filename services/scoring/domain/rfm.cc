#include "services/scoring/domain/rfm.h"

#include <algorithm>

namespace clienttier::scoring {
namespace {

using S = RfmSegment;

// kSegmentGrid[5 - R][FM - 1], the table in rfm.h.
constexpr S kSegmentGrid[5][5] = {
    {S::kNew, S::kPotentialLoyalist, S::kPotentialLoyalist, S::kChampions, S::kChampions},
    {S::kPromising, S::kPotentialLoyalist, S::kPotentialLoyalist, S::kLoyal, S::kLoyal},
    {S::kAboutToSleep, S::kAboutToSleep, S::kNeedAttention, S::kLoyal, S::kLoyal},
    {S::kHibernating, S::kHibernating, S::kAtRisk, S::kAtRisk, S::kCannotLose},
    {S::kLost, S::kHibernating, S::kAtRisk, S::kAtRisk, S::kCannotLose},
};

int ToFivePointScale(int score, int64_t bins) {
  if (bins == 4) {
    constexpr int kFourToFive[5] = {0, 1, 2, 4, 5};
    return kFourToFive[score];
  }
  return score;
}

// Number of cuts strictly below `value`: the bin index (0-based) of value.
int BinIndex(int64_t value, const std::vector<int64_t>& cuts) {
  int index = 0;
  for (const int64_t cut : cuts) {
    index += value > cut ? 1 : 0;
  }
  return index;
}

// Recency in days and purchase counts span a few thousand values at most, so a histogram
// finds every cut in one pass; spend needs selection.
constexpr uint64_t kCountingRangeLimit = 1u << 16;

int64_t NearestRank(int64_t k, int64_t count, int64_t bins) {
  return (k * count + bins - 1) / bins;  // ceil(k * n / bins), 1-based
}

std::vector<int64_t> CountingQuantileCuts(const std::vector<int64_t>& values, int64_t low,
                                          uint64_t range, int64_t bins) {
  std::vector<int64_t> counts(static_cast<size_t>(range) + 1, 0);
  for (const int64_t value : values) {
    ++counts[static_cast<size_t>(static_cast<uint64_t>(value) - static_cast<uint64_t>(low))];
  }
  const int64_t count = static_cast<int64_t>(values.size());
  std::vector<int64_t> cuts(static_cast<size_t>(bins - 1), 0);
  size_t offset = 0;
  int64_t seen = counts[0];
  for (int64_t k = 1; k < bins; ++k) {
    const int64_t rank = NearestRank(k, count, bins);
    while (seen < rank) {
      seen += counts[++offset];
    }
    cuts[static_cast<size_t>(k - 1)] = low + static_cast<int64_t>(offset);
  }
  return cuts;
}

// Nearest-rank quantiles of `values` (which it may reorder). Selecting in increasing order
// lets each nth_element work on the part right of the previous one.
std::vector<int64_t> QuantileCuts(std::vector<int64_t>& values, int64_t bins) {
  if (values.empty()) {
    return std::vector<int64_t>(static_cast<size_t>(bins - 1), 0);
  }
  const auto [min_it, max_it] = std::minmax_element(values.begin(), values.end());
  const int64_t low = *min_it;
  // Unsigned, so the difference of far-apart values cannot overflow.
  const uint64_t range = static_cast<uint64_t>(*max_it) - static_cast<uint64_t>(low);
  if (range < kCountingRangeLimit) {
    return CountingQuantileCuts(values, low, range, bins);
  }
  const int64_t count = static_cast<int64_t>(values.size());
  std::vector<int64_t> cuts(static_cast<size_t>(bins - 1), 0);
  auto begin = values.begin();
  for (int64_t k = 1; k < bins; ++k) {
    const auto position = values.begin() + (NearestRank(k, count, bins) - 1);
    if (position >= begin) {
      std::nth_element(begin, position, values.end());
      begin = position;
    }
    cuts[static_cast<size_t>(k - 1)] = *position;
  }
  return cuts;
}

}  // namespace

const char* Name(RfmSegment segment) {
  switch (segment) {
    case S::kUnspecified:
      return "unspecified";
    case S::kChampions:
      return "champions";
    case S::kLoyal:
      return "loyal";
    case S::kPotentialLoyalist:
      return "potential_loyalist";
    case S::kNew:
      return "new";
    case S::kPromising:
      return "promising";
    case S::kNeedAttention:
      return "need_attention";
    case S::kAboutToSleep:
      return "about_to_sleep";
    case S::kAtRisk:
      return "at_risk";
    case S::kCannotLose:
      return "cannot_lose";
    case S::kHibernating:
      return "hibernating";
    case S::kLost:
      return "lost";
  }
  return "unspecified";
}

bool HasPurchase(const ClientFacts& facts) {
  return facts.purchase_count > 0 && facts.last_purchase_day != kNever;
}

RfmInput RfmInputFromFacts(const ClientFacts& facts, const RfmConfig& config, Day as_of) {
  RfmInput input;
  input.recency_days = std::max<int64_t>(0, as_of - facts.last_purchase_day);
  if (config.window_days == 30) {
    input.frequency = facts.purchases_30d;
    input.monetary_minor = facts.spend_30d_minor;
  } else if (config.window_days == 90) {
    input.frequency = facts.purchases_90d;
    input.monetary_minor = facts.spend_90d_minor;
  } else {
    input.frequency = facts.purchases_365d;
    input.monetary_minor = facts.spend_365d_minor;
  }
  return input;
}

RfmBreakpoints ComputeRfmBreakpoints(const std::vector<RfmInput>& population,
                                     const RfmConfig& config) {
  RfmBreakpoints breakpoints;
  breakpoints.bins = config.bins;
  if (UsesFixedCuts(config)) {
    breakpoints.recency_cuts_days = config.recency_cuts_days;
    breakpoints.frequency_cuts = config.frequency_cuts;
    breakpoints.monetary_cuts_minor = config.monetary_cuts_minor;
    return breakpoints;
  }
  std::vector<int64_t> values(population.size());
  std::transform(population.begin(), population.end(), values.begin(),
                 [](const RfmInput& input) { return input.recency_days; });
  breakpoints.recency_cuts_days = QuantileCuts(values, config.bins);
  std::transform(population.begin(), population.end(), values.begin(),
                 [](const RfmInput& input) { return input.frequency; });
  breakpoints.frequency_cuts = QuantileCuts(values, config.bins);
  std::transform(population.begin(), population.end(), values.begin(),
                 [](const RfmInput& input) { return input.monetary_minor; });
  breakpoints.monetary_cuts_minor = QuantileCuts(values, config.bins);
  return breakpoints;
}

RfmBreakpoints ComputeRfmBreakpoints(const std::vector<ClientFacts>& population,
                                     const RfmConfig& config, Day as_of) {
  std::vector<RfmInput> inputs;
  inputs.reserve(population.size());
  for (const ClientFacts& facts : population) {
    if (HasPurchase(facts)) {
      inputs.push_back(RfmInputFromFacts(facts, config, as_of));
    }
  }
  return ComputeRfmBreakpoints(inputs, config);
}

RfmScore ScoreRfm(const RfmInput& input, const RfmBreakpoints& breakpoints) {
  const int bins = static_cast<int>(breakpoints.bins);
  RfmScore score;
  // Fewer days since the last purchase is better, so recency counts down from the top bin.
  score.recency = bins - BinIndex(input.recency_days, breakpoints.recency_cuts_days);
  score.frequency = 1 + BinIndex(input.frequency, breakpoints.frequency_cuts);
  score.monetary = 1 + BinIndex(input.monetary_minor, breakpoints.monetary_cuts_minor);
  score.cell = score.recency * 100 + score.frequency * 10 + score.monetary;
  score.segment = SegmentFor(score.recency, score.frequency, score.monetary, breakpoints.bins);
  return score;
}

std::string CellString(const RfmScore& score) {
  if (score.cell == 0) {
    return "";
  }
  return std::to_string(score.cell);
}

RfmSegment SegmentFor(int recency, int frequency, int monetary, int64_t bins) {
  const auto in_range = [bins](int score) { return score >= 1 && score <= bins; };
  if ((bins != 4 && bins != 5) || !in_range(recency) || !in_range(frequency) ||
      !in_range(monetary)) {
    return RfmSegment::kUnspecified;
  }
  const int r = ToFivePointScale(recency, bins);
  const int f = ToFivePointScale(frequency, bins);
  const int m = ToFivePointScale(monetary, bins);
  const int fm = (f + m + 1) / 2;
  return kSegmentGrid[5 - r][fm - 1];
}

}  // namespace clienttier::scoring
