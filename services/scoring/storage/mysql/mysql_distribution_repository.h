#pragma once

#include "services/scoring/storage/distribution_repository.h"

namespace clienttier::scoring {

// DistributionRepository: one pass over the narrow columns of `scores`.
class MySqlDistributionRepository final : public DistributionRepository {
 public:
  TierDistributionTally Tally(Transaction& transaction, const std::string& tenant_id) override;
};

}  // namespace clienttier::scoring
