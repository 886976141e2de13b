#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "services/scoring/domain/pareto.h"

namespace clienttier::scoring {

// GetTierDistribution's figures, counted over the tenant's latest scores one row at a time
// (a million rows stream through without keeping their payloads).
class TierDistributionTally {
 public:
  // One score: its tier, lifecycle and quadrant numbers (as stored), RFM segment name (empty:
  // none) and trailing-12-month revenue in minor units.
  void Add(int tier, int lifecycle, int quadrant, const std::string& rfm_segment,
           int64_t value_12m_minor);

  int64_t total_clients() const { return static_cast<int64_t>(revenue_.size()); }
  int64_t total_revenue_minor() const { return total_revenue_; }
  // Clients and revenue of one tier number (1..3; others are counted but not reported).
  int64_t TierClients(int tier) const;
  int64_t TierRevenueMinor(int tier) const;
  // The tier's share of the total revenue; 0 when the total is 0.
  double TierRevenueShare(int tier) const;
  // The Pareto curve at the reported client shares (1%, 5%, 10%, 20%, 50%, 100%).
  std::vector<ParetoPoint> Pareto() const;
  int64_t QuadrantClients(int quadrant) const;
  int64_t LifecycleClients(int lifecycle) const;
  // Clients per non-empty RFM segment name, by name.
  const std::map<std::string, int64_t>& rfm_segments() const { return segments_; }

 private:
  std::map<int, int64_t> tier_clients_;
  std::map<int, int64_t> tier_revenue_;
  std::map<int, int64_t> quadrants_;
  std::map<int, int64_t> lifecycles_;
  std::map<std::string, int64_t> segments_;
  std::vector<int64_t> revenue_;
  int64_t total_revenue_ = 0;
};

}  // namespace clienttier::scoring
