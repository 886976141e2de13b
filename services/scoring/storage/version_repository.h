#pragma once

#include <optional>
#include <string>

#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"

namespace clienttier::scoring {

// The tenant's versioned artefacts (migration 003): scoring configs, fitted CLV models and
// population statistics, each stored whole as its proto under an increasing version.
class VersionRepository {
 public:
  virtual ~VersionRepository() = default;

  // The latest stored config; the built-in defaults (version 0) when none is stored.
  virtual ::clienttier::scoring::v1::ScoringConfig LatestConfig(Transaction& transaction,
                                                                const std::string& tenant_id) = 0;
  // Stores `config` as version expected_version + 1 with its author and time; FailedPrecondition
  // when the active version is another one, or another version was stored meanwhile.
  virtual ::clienttier::scoring::v1::ScoringConfig PutConfig(
      Transaction& transaction, const std::string& tenant_id,
      ::clienttier::scoring::v1::ScoringConfig config, int64_t expected_version,
      const std::string& author, UnixMicros now) = 0;

  virtual std::optional<::clienttier::scoring::v1::ClvModel> LatestModel(
      Transaction& transaction, const std::string& tenant_id) = 0;
  // Assigns the next version and the fit time, stores it; returns the stored model.
  virtual ::clienttier::scoring::v1::ClvModel PutModel(Transaction& transaction,
                                                       const std::string& tenant_id,
                                                       ::clienttier::scoring::v1::ClvModel model,
                                                       UnixMicros now) = 0;

  virtual std::optional<::clienttier::scoring::v1::PopulationStats> LatestPopulation(
      Transaction& transaction, const std::string& tenant_id) = 0;
  // Assigns the next version and stores it; returns the stored statistics.
  virtual ::clienttier::scoring::v1::PopulationStats PutPopulation(
      Transaction& transaction, const std::string& tenant_id,
      ::clienttier::scoring::v1::PopulationStats stats, UnixMicros now) = 0;
};

}  // namespace clienttier::scoring
