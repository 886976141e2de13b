#include "services/scoring/domain/tier_distribution.h"

namespace clienttier::scoring {

namespace {

const std::vector<double> kParetoShares = {0.01, 0.05, 0.1, 0.2, 0.5, 1.0};

int64_t CountOf(const std::map<int, int64_t>& counts, int key) {
  const auto found = counts.find(key);
  return found == counts.end() ? 0 : found->second;
}

}  // namespace

void TierDistributionTally::Add(int tier, int lifecycle, int quadrant,
                                const std::string& rfm_segment, int64_t value_12m_minor) {
  ++tier_clients_[tier];
  tier_revenue_[tier] += value_12m_minor;
  ++lifecycles_[lifecycle];
  ++quadrants_[quadrant];
  if (!rfm_segment.empty()) {
    ++segments_[rfm_segment];
  }
  revenue_.push_back(value_12m_minor);
  total_revenue_ += value_12m_minor;
}

int64_t TierDistributionTally::TierClients(int tier) const { return CountOf(tier_clients_, tier); }

int64_t TierDistributionTally::TierRevenueMinor(int tier) const {
  return CountOf(tier_revenue_, tier);
}

double TierDistributionTally::TierRevenueShare(int tier) const {
  return total_revenue_ > 0
             ? static_cast<double>(TierRevenueMinor(tier)) / static_cast<double>(total_revenue_)
             : 0.0;
}

std::vector<ParetoPoint> TierDistributionTally::Pareto() const {
  return ParetoCurve(revenue_, kParetoShares);
}

int64_t TierDistributionTally::QuadrantClients(int quadrant) const {
  return CountOf(quadrants_, quadrant);
}

int64_t TierDistributionTally::LifecycleClients(int lifecycle) const {
  return CountOf(lifecycles_, lifecycle);
}

}  // namespace clienttier::scoring
