#pragma once

#include <optional>
#include <string>

#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/scoring/app/referral_counts.h"
#include "services/scoring/app/rescorer.h"
#include "services/scoring/app/score_calculator.h"
#include "services/scoring/storage/aggregate_repository.h"
#include "services/scoring/storage/score_cache.h"
#include "services/scoring/storage/score_repository.h"

namespace clienttier::scoring {

// On-demand scoring of one client: ScoreClient (rescore now and store) and ExplainScore
// (compute now, store nothing); either as of a past day (computed, never stored).
class Rescoring {
 public:
  Rescoring(TransactionRunner& transactions, const ScoreCalculator& calculator,
            const Rescorer& rescorer, AggregateRepository& aggregates, ScoreRepository& scores,
            ScoreCache& cache, const ReferralCountsRefresher& referral, const Clock& clock)
      : transactions_(transactions),
        calculator_(calculator),
        rescorer_(rescorer),
        aggregates_(aggregates),
        scores_(scores),
        cache_(cache),
        referral_(referral),
        clock_(clock) {}

  // Rescores now with fresh referral counts (asked before the transaction) and returns the
  // stored score. NOT_FOUND for a client scoring does not know. With `as_of` (a past day,
  // checked by the caller): the score as of that day (ScoreCalculator::LoadAsOf), not stored.
  ::clienttier::scoring::v1::Score ScoreClient(const std::string& tenant_id,
                                               const std::string& client_id,
                                               std::optional<Day> as_of = std::nullopt);

  // The client's score as computed now from its current data (or as of `as_of`), with each
  // input, each dimension's points, the thresholds crossed, the population, the model and the
  // model's own inputs (x, t_x, T in days).
  ::clienttier::scoring::v1::ScoreExplanation ExplainScore(const std::string& tenant_id,
                                                           const std::string& client_id,
                                                           std::optional<Day> as_of = std::nullopt);

 private:
  // The client's score as of a past day with its context; NOT_FOUND for an unknown client.
  ComputedScore ComputeAsOf(const std::string& tenant_id, const std::string& client_id, Day as_of,
                            TenantContext* context) const;

  TransactionRunner& transactions_;
  const ScoreCalculator& calculator_;
  const Rescorer& rescorer_;
  AggregateRepository& aggregates_;
  ScoreRepository& scores_;
  ScoreCache& cache_;
  const ReferralCountsRefresher& referral_;
  const Clock& clock_;
};

}  // namespace clienttier::scoring
