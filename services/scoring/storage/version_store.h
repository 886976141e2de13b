#pragma once

#include <optional>
#include <string>

#include <cppconn/connection.h>

#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "common/time/utc_time.h"

namespace clienttier::scoring {

// The tenant's versioned artefacts (migration 003): scoring configs, fitted CLV models and
// population statistics, each stored whole as its proto under an increasing version.
class VersionStore {
 public:
  // The latest stored config; the built-in defaults (version 0) when none is stored.
  static ::clienttier::scoring::v1::ScoringConfig LatestConfig(sql::Connection& connection,
                                                               const std::string& tenant_id);
  // Stores `config` as version expected_version + 1; ABORTED-style Conflict when another
  // version was stored meanwhile (FAILED_PRECONDITION to the caller).
  static ::clienttier::scoring::v1::ScoringConfig PutConfig(
      sql::Connection& connection, const std::string& tenant_id,
      ::clienttier::scoring::v1::ScoringConfig config, int64_t expected_version,
      const std::string& author, UnixMicros now);

  static std::optional<::clienttier::scoring::v1::ClvModel> LatestModel(
      sql::Connection& connection, const std::string& tenant_id);
  // Assigns the next version and stores it; returns the stored model.
  static ::clienttier::scoring::v1::ClvModel PutModel(sql::Connection& connection,
                                                      const std::string& tenant_id,
                                                      ::clienttier::scoring::v1::ClvModel model,
                                                      UnixMicros now);

  static std::optional<::clienttier::scoring::v1::PopulationStats> LatestPopulation(
      sql::Connection& connection, const std::string& tenant_id);
  static ::clienttier::scoring::v1::PopulationStats PutPopulation(
      sql::Connection& connection, const std::string& tenant_id,
      ::clienttier::scoring::v1::PopulationStats stats, UnixMicros now);
};

}  // namespace clienttier::scoring
