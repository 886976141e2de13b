#pragma once

#include <cstdint>
#include <vector>

namespace clienttier::scoring {

struct ParetoPoint {
  double client_share = 0.0;   // the top share of clients by revenue
  double revenue_share = 0.0;  // their share of the total
};

// Points of the Pareto (concentration) curve at the given client shares (each in (0, 1]).
// `revenue_minor` is per client, any order. With n clients, the top share s is the top
// ceil(s * n) clients. All-zero revenue gives revenue shares of 0.
std::vector<ParetoPoint> ParetoCurve(std::vector<int64_t> revenue_minor,
                                     const std::vector<double>& client_shares);

}  // namespace clienttier::scoring
