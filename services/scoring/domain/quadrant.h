#pragma once

#include <cstdint>
#include <vector>

namespace clienttier::scoring {

// BCG value x potential: value = trailing-12-month revenue, potential = predicted CLV over
// the horizon minus that revenue.
enum class Quadrant {
  kUnspecified = 0,  // no purchase
  kStar = 1,         // high value, high potential
  kCashCow = 2,      // high value, low potential
  kQuestion = 3,     // low value, high potential
  kDog = 4,          // low value, low potential
};
const char* Name(Quadrant quadrant);

struct QuadrantCuts {
  double value_percentile = 50.0;
  double potential_percentile = 50.0;
  int64_t value_cut_minor = 0;
  int64_t potential_cut_minor = 0;
};

// Nearest-rank percentile: the value at ascending position ceil(percentile/100 * n) (1-based,
// at least 1); 0 for an empty list. A population value, so the cut is always one that occurs.
int64_t NearestRankPercentile(std::vector<int64_t> values, double percentile);

QuadrantCuts ComputeQuadrantCuts(const std::vector<int64_t>& values_minor,
                                 const std::vector<int64_t>& potentials_minor,
                                 double value_percentile, double potential_percentile);

// "High" means strictly above the cut, so at the median of {1, 2, 3, 4} (cut 2) the high half
// is {3, 4}, and a tenant where most clients share one value does not call them all high.
Quadrant ClassifyQuadrant(int64_t value_minor, int64_t potential_minor, const QuadrantCuts& cuts);

}  // namespace clienttier::scoring
