#pragma once

#include "services/scoring/storage/version_repository.h"

namespace clienttier::scoring {

// VersionRepository over scoring_configs, clv_models and population_stats.
class MySqlVersionRepository final : public VersionRepository {
 public:
  ::clienttier::scoring::v1::ScoringConfig LatestConfig(Transaction& transaction,
                                                        const std::string& tenant_id) override;
  ::clienttier::scoring::v1::ScoringConfig PutConfig(
      Transaction& transaction, const std::string& tenant_id,
      ::clienttier::scoring::v1::ScoringConfig config, int64_t expected_version,
      const std::string& author, UnixMicros now) override;
  std::optional<::clienttier::scoring::v1::ClvModel> LatestModel(
      Transaction& transaction, const std::string& tenant_id) override;
  ::clienttier::scoring::v1::ClvModel PutModel(Transaction& transaction,
                                               const std::string& tenant_id,
                                               ::clienttier::scoring::v1::ClvModel model,
                                               UnixMicros now) override;
  std::optional<::clienttier::scoring::v1::PopulationStats> LatestPopulation(
      Transaction& transaction, const std::string& tenant_id) override;
  ::clienttier::scoring::v1::PopulationStats PutPopulation(
      Transaction& transaction, const std::string& tenant_id,
      ::clienttier::scoring::v1::PopulationStats stats, UnixMicros now) override;
};

}  // namespace clienttier::scoring
