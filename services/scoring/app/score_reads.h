#pragma once

#include <functional>
#include <string>

#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/scoring/storage/distribution_repository.h"
#include "services/scoring/storage/score_cache.h"
#include "services/scoring/storage/score_repository.h"
#include "services/scoring/storage/version_repository.h"

namespace clienttier::scoring {

// The read-only RPCs over stored scores: GetScore, ListTierChanges, ListChurnWarnings,
// StreamScores and GetTierDistribution. Nothing here writes a row.
class ScoreReads {
 public:
  ScoreReads(TransactionRunner& transactions, ScoreRepository& scores, VersionRepository& versions,
             DistributionRepository& distribution, ScoreCache& cache, std::string default_currency);

  // GetScore's fast path: the in-process cached score, without I/O; false on a miss.
  bool GetScoreWithoutIo(const std::string& tenant_id, const std::string& client_id,
                         ::clienttier::scoring::v1::Score* score);
  // GetScore: the cache, else the stored score (then cached). NOT_FOUND when never scored.
  ::clienttier::scoring::v1::Score GetScore(const std::string& tenant_id,
                                            const std::string& client_id);

  // Tier changes at or after `since` (optionally of one client), after change id
  // `after_change_id`, at most `limit`; the next page token is the last change id.
  ::clienttier::scoring::v1::ListTierChangesResponse ListTierChanges(const std::string& tenant_id,
                                                                     UnixMicros since,
                                                                     int64_t after_change_id,
                                                                     const std::string& client_id,
                                                                     int limit);

  // Raised churn warnings after client id `after_client_id`, at most `limit`; the next page
  // token is the last client id.
  ::clienttier::scoring::v1::ListChurnWarningsResponse ListChurnWarnings(
      const std::string& tenant_id, const std::string& after_client_id, int limit);

  // Every score matching `filter` in client id order, `page_size` rows per query, until
  // `emit` returns false.
  void StreamScores(const std::string& tenant_id, const ScoreFilter& filter, int page_size,
                    const std::function<bool(::clienttier::scoring::v1::Score&&)>& emit);

  // Clients and revenue share per tier, Pareto points, quadrants, lifecycle funnel and RFM
  // segments, with the config, population and model versions they come from.
  ::clienttier::scoring::v1::TierDistribution GetTierDistribution(const std::string& tenant_id);

 private:
  TransactionRunner& transactions_;
  ScoreRepository& scores_;
  VersionRepository& versions_;
  DistributionRepository& distribution_;
  ScoreCache& cache_;
  std::string default_currency_;
};

}  // namespace clienttier::scoring
