#pragma once

#include <string>

#include "common/db/transaction.h"
#include "services/scoring/domain/tier_distribution.h"

namespace clienttier::scoring {

// GetTierDistribution's read: every latest score of the tenant counted into a tally (the math
// is in domain/tier_distribution.h).
class DistributionRepository {
 public:
  virtual ~DistributionRepository() = default;
  virtual TierDistributionTally Tally(Transaction& transaction, const std::string& tenant_id) = 0;
};

}  // namespace clienttier::scoring
