#pragma once

#include <functional>
#include <string>

#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/scoring/app/referral_counts.h"
#include "services/scoring/app/score_calculator.h"
#include "services/scoring/app/score_changes.h"
#include "services/scoring/storage/aggregate_repository.h"
#include "services/scoring/storage/score_cache.h"
#include "services/scoring/storage/score_repository.h"
#include "services/scoring/storage/version_repository.h"

namespace clienttier::scoring {

struct BatchJobOptions {
  // Chunk writes in flight while the next chunk is computed (SnapshotWriter). Unit tests over
  // single-threaded fakes use 1.
  int max_writes_in_flight = 2;
};

// The tenant-wide jobs: fitting the CLV models (FitClvModel) and rescoring every client or one
// shard (BatchRescore).
class BatchJobs {
 public:
  BatchJobs(TransactionRunner& transactions, const ScoreCalculator& calculator,
            AggregateRepository& aggregates, ScoreRepository& scores, VersionRepository& versions,
            const ScoreChangeWriter& writer, const ReferralCountsRefresher& referral,
            ScoreCache& cache, const Clock& clock, BatchJobOptions options = {})
      : transactions_(transactions),
        calculator_(calculator),
        aggregates_(aggregates),
        scores_(scores),
        versions_(versions),
        writer_(writer),
        referral_(referral),
        cache_(cache),
        clock_(clock),
        options_(options) {}

  // Fits BG/NBD and Gamma-Gamma on the tenant's aggregates and stores them as a new model
  // version (also when a fit did not converge: the stored model then says why it is unused).
  ::clienttier::scoring::v1::ClvModel FitClvModel(const std::string& tenant_id);

  // Rescores the tenant (or one shard) in chunks of 2,000 clients, each its own transaction,
  // and reports after every chunk; `progress` returning false (the caller went away) stops the
  // job between chunks.
  void BatchRescore(
      const std::string& tenant_id, const ::clienttier::scoring::v1::BatchRescoreRequest& request,
      const std::function<bool(const ::clienttier::scoring::v1::BatchRescoreProgress&)>& progress);

 private:
  TransactionRunner& transactions_;
  const ScoreCalculator& calculator_;
  AggregateRepository& aggregates_;
  ScoreRepository& scores_;
  VersionRepository& versions_;
  const ScoreChangeWriter& writer_;
  const ReferralCountsRefresher& referral_;
  ScoreCache& cache_;
  const Clock& clock_;
  BatchJobOptions options_;
};

}  // namespace clienttier::scoring
