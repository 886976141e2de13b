#include "services/scoring/domain/pareto.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace clienttier::scoring {

std::vector<ParetoPoint> ParetoCurve(std::vector<int64_t> revenue_minor,
                                     const std::vector<double>& client_shares) {
  std::sort(revenue_minor.begin(), revenue_minor.end(), std::greater<>());
  // Prefix sums in long double: a tenant's total can exceed what a double adds exactly.
  std::vector<long double> prefix(revenue_minor.size() + 1, 0.0L);
  for (size_t i = 0; i < revenue_minor.size(); ++i) {
    prefix[i + 1] = prefix[i] + static_cast<long double>(revenue_minor[i]);
  }
  const long double total = prefix.back();
  const double count = static_cast<double>(revenue_minor.size());
  std::vector<ParetoPoint> points;
  for (const double share : client_shares) {
    const auto top = static_cast<size_t>(std::min(count, std::ceil(share * count - 1e-9)));
    ParetoPoint point;
    point.client_share = share;
    point.revenue_share = total > 0 ? static_cast<double>(prefix[top] / total) : 0.0;
    points.push_back(point);
  }
  return points;
}

}  // namespace clienttier::scoring
