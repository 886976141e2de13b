#include "services/scoring/domain/quadrant.h"

#include <algorithm>
#include <cmath>

namespace clienttier::scoring {
namespace {

// Absorbs binary rounding in percentile * n / 100 (30 * 10 / 100 must be 3, not 3.0000001).
constexpr double kRankEpsilon = 1e-9;

}  // namespace

const char* Name(Quadrant quadrant) {
  switch (quadrant) {
    case Quadrant::kUnspecified:
      return "unspecified";
    case Quadrant::kStar:
      return "star";
    case Quadrant::kCashCow:
      return "cash_cow";
    case Quadrant::kQuestion:
      return "question";
    case Quadrant::kDog:
      return "dog";
  }
  return "unspecified";
}

int64_t NearestRankPercentile(std::vector<int64_t> values, double percentile) {
  if (values.empty()) {
    return 0;
  }
  const double count = static_cast<double>(values.size());
  const double raw_rank = std::ceil(percentile * count / 100.0 - kRankEpsilon);
  const size_t rank = static_cast<size_t>(std::clamp(raw_rank, 1.0, count));
  const auto position = values.begin() + static_cast<std::ptrdiff_t>(rank - 1);
  std::nth_element(values.begin(), position, values.end());
  return *position;
}

QuadrantCuts ComputeQuadrantCuts(const std::vector<int64_t>& values_minor,
                                 const std::vector<int64_t>& potentials_minor,
                                 double value_percentile, double potential_percentile) {
  QuadrantCuts cuts;
  cuts.value_percentile = value_percentile;
  cuts.potential_percentile = potential_percentile;
  cuts.value_cut_minor = NearestRankPercentile(values_minor, value_percentile);
  cuts.potential_cut_minor = NearestRankPercentile(potentials_minor, potential_percentile);
  return cuts;
}

Quadrant ClassifyQuadrant(int64_t value_minor, int64_t potential_minor, const QuadrantCuts& cuts) {
  const bool high_value = value_minor > cuts.value_cut_minor;
  const bool high_potential = potential_minor > cuts.potential_cut_minor;
  if (high_value) {
    return high_potential ? Quadrant::kStar : Quadrant::kCashCow;
  }
  return high_potential ? Quadrant::kQuestion : Quadrant::kDog;
}

}  // namespace clienttier::scoring
