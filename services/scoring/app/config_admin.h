#pragma once

#include <string>

#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/scoring/app/rescorer.h"
#include "services/scoring/storage/score_cache.h"
#include "services/scoring/storage/score_repository.h"
#include "services/scoring/storage/version_repository.h"

namespace clienttier::scoring {

// The tenant's scoring settings: Get/PutScoringConfig and SetTierOverride.
class ConfigAdmin {
 public:
  ConfigAdmin(TransactionRunner& transactions, VersionRepository& versions, ScoreRepository& scores,
              const Rescorer& rescorer, ScoreCache& cache, const Clock& clock)
      : transactions_(transactions),
        versions_(versions),
        scores_(scores),
        rescorer_(rescorer),
        cache_(cache),
        clock_(clock) {}

  // The active config (the defaults, version 0, when none is stored).
  ::clienttier::scoring::v1::ScoringConfig GetScoringConfig(const std::string& tenant_id);

  // Stores a validated config as the next version; FAILED_PRECONDITION when the active version
  // is not `expected_version`.
  ::clienttier::scoring::v1::ScoringConfig PutScoringConfig(
      const std::string& tenant_id, const ::clienttier::scoring::v1::ScoringConfig& config,
      int64_t expected_version, const std::string& author);

  // Sets the client's override (a validated one, author filled in) or clears it (nullptr),
  // then rescores the client at `now` in the same transaction. NOT_FOUND for a client scoring
  // does not know (and then nothing is kept).
  ::clienttier::scoring::v1::Score SetTierOverride(
      const std::string& tenant_id, const std::string& client_id,
      const ::clienttier::scoring::v1::TierOverride* tier_override, UnixMicros now);

 private:
  TransactionRunner& transactions_;
  VersionRepository& versions_;
  ScoreRepository& scores_;
  const Rescorer& rescorer_;
  ScoreCache& cache_;
  const Clock& clock_;
};

}  // namespace clienttier::scoring
