#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "services/scoring/domain/client_facts.h"
#include "services/scoring/domain/scoring_config.h"

namespace clienttier::scoring {

enum class RfmSegment {
  kUnspecified = 0,  // no purchase: no RFM
  kChampions = 1,
  kLoyal = 2,
  kPotentialLoyalist = 3,
  kNew = 4,
  kPromising = 5,
  kNeedAttention = 6,
  kAboutToSleep = 7,
  kAtRisk = 8,
  kCannotLose = 9,
  kHibernating = 10,
  kLost = 11,
};
const char* Name(RfmSegment segment);

// The three raw measures of one client that has purchased at least once.
struct RfmInput {
  int64_t recency_days = 0;    // as_of - last purchase day
  int64_t frequency = 0;       // paid transactions in the trailing window
  int64_t monetary_minor = 0;  // spend in the trailing window
};

bool HasPurchase(const ClientFacts& facts);

// Frequency and monetary come from the facts' trailing aggregate matching
// config.rfm.window_days (30, 90 or 365). Call only when HasPurchase(facts).
RfmInput RfmInputFromFacts(const ClientFacts& facts, const RfmConfig& config, Day as_of);

// bins - 1 cut values per dimension, each the inclusive upper edge of a bin, ascending (equal
// neighbours are possible when many clients share a value). Stored with the population
// version so a single rescore uses the same cuts as its batch.
struct RfmBreakpoints {
  int64_t bins = 5;
  std::vector<int64_t> recency_cuts_days;
  std::vector<int64_t> frequency_cuts;
  std::vector<int64_t> monetary_cuts_minor;
};

// Quantile mode: cut k (k = 1..bins-1) is the nearest-rank k/bins quantile of the population,
// i.e. the value at ascending position ceil(k * n / bins) (1-based). Scoring by value against
// these cuts gives equal values equal scores, whatever their order. An empty population gives
// all-zero cuts. Fixed mode: the configured cuts, unchanged.
RfmBreakpoints ComputeRfmBreakpoints(const std::vector<RfmInput>& population,
                                     const RfmConfig& config);
// The same over the clients of a tenant that have purchased (the others get no RFM).
RfmBreakpoints ComputeRfmBreakpoints(const std::vector<ClientFacts>& population,
                                     const RfmConfig& config, Day as_of);

struct RfmScore {
  int recency = 0;    // 1..bins, bins = most recent
  int frequency = 0;  // 1..bins, bins = most frequent
  int monetary = 0;   // 1..bins, bins = highest spend
  int cell = 0;       // the cell as a number: R*100 + F*10 + M, 545 for "545"
  RfmSegment segment = RfmSegment::kUnspecified;
};

RfmScore ScoreRfm(const RfmInput& input, const RfmBreakpoints& breakpoints);

// "545". Kept out of RfmScore so scoring a million clients allocates nothing.
std::string CellString(const RfmScore& score);

// Segment from R and FM = average of F and M rounded half up. For 4 bins each score is first
// put on the 5-point scale by its position (1, 2, 3, 4 -> 1, 2, 4, 5) so one table serves both.
//
//   R \ FM |  1               2                    3                    4          5
//   -------+---------------------------------------------------------------------------------
//     5    |  new             potential_loyalist   potential_loyalist   champions  champions
//     4    |  promising       potential_loyalist   potential_loyalist   loyal      loyal
//     3    |  about_to_sleep  about_to_sleep       need_attention       loyal      loyal
//     2    |  hibernating     hibernating          at_risk              at_risk    cannot_lose
//     1    |  lost            hibernating          at_risk              at_risk    cannot_lose
//
// Scores outside 1..bins, or bins other than 4 or 5, give kUnspecified.
RfmSegment SegmentFor(int recency, int frequency, int monetary, int64_t bins);

}  // namespace clienttier::scoring
