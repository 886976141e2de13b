#pragma once

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/scoring/app/referral_counts.h"
#include "services/scoring/app/score_calculator.h"
#include "services/scoring/app/score_changes.h"
#include "services/scoring/app/tenant_jobs_running.h"
#include "services/scoring/storage/aggregate_repository.h"
#include "services/scoring/storage/rescore_queue.h"
#include "services/scoring/storage/score_cache.h"
#include "services/scoring/storage/score_repository.h"
#include "services/scoring/storage/version_repository.h"

namespace clienttier::scoring {

struct BatchJobOptions {
  // Chunk writes in flight while the next chunk is computed (SnapshotWriter). Three: on 2 cores
  // rescore-bench's write phase took 12 s with 3, 15 s with 2, no less with 4. Unit tests over
  // single-threaded fakes use 1.
  int max_writes_in_flight = 3;
  // Threads that compute CLV and scores (the caller's among them); 0: one per core.
  int scoring_threads = 0;
  // Connections a run reads the tenant (or its shard) on at once (ranges of its keys): one
  // reader's page is parsed and estimated while another waits on MariaDB. Unit tests over
  // single-threaded fakes use 1.
  int reading_threads = 2;
  // Where the jobs count themselves as running (the rescore queue's drain waits meanwhile);
  // nullptr: not counted.
  TenantJobsRunning* running = nullptr;
};

// The tenant-wide jobs: fitting the CLV models (FitClvModel) and rescoring every client or one
// shard (BatchRescore).
class BatchJobs {
 public:
  BatchJobs(TransactionRunner& transactions, const ScoreCalculator& calculator,
            AggregateRepository& aggregates, ScoreRepository& scores, VersionRepository& versions,
            const ScoreChangeWriter& writer, RescoreQueue& queue,
            const ReferralCountsRefresher& referral, ScoreCache& cache, const Clock& clock,
            BatchJobOptions options = {})
      : transactions_(transactions),
        calculator_(calculator),
        aggregates_(aggregates),
        scores_(scores),
        versions_(versions),
        writer_(writer),
        queue_(queue),
        referral_(referral),
        cache_(cache),
        clock_(clock),
        options_(options),
        threads_(options.scoring_threads > 0
                     ? options.scoring_threads
                     : std::max(1, static_cast<int>(std::thread::hardware_concurrency()))) {}

  // Fits BG/NBD and Gamma-Gamma on the tenant's aggregates and stores them as a new model
  // version (also when a fit did not converge: the stored model then says why it is unused).
  // With `as_of` (a past day, checked by the caller): the same fit on the activity up to that
  // day (ScoreCalculator::FitAsOf), returned with version 0 and not stored.
  ::clienttier::scoring::v1::ClvModel FitClvModel(const std::string& tenant_id,
                                                  std::optional<Day> as_of = std::nullopt);

  // Rescores the tenant (or one shard) in chunks of up to 2,000 clients, each written in its own
  // transaction while the next is computed, and reports after every chunk but the first;
  // `progress` returning false (the caller went away) stops the job between chunks.
  // Unsharded (or refresh_population): reads the tenant's facts once, computes every CLV
  // estimate once on all cores, the population statistics from them, stores those, then scores
  // from the same facts and estimates. A shard uses the stored (or just refreshed) population
  // and reads only its own clients the same way: runs of its buckets (domain/shard.h) as ranges
  // of each table's shard index instead of ranges of the primary key (ReadRanges).
  // The run takes over the rescore queue's clients it scores: a range's queued clients are
  // read before its facts, and once each chunk is written those not queued again since leave
  // the queue (RescoreQueue::RemoveUnchanged), so the consumers do not rescore them again.
  // With `past_day` (the request's as_of; whole tenant only, checked by the caller): see
  // BatchRescoreAsOf.
  void BatchRescore(
      const std::string& tenant_id, const ::clienttier::scoring::v1::BatchRescoreRequest& request,
      const std::function<bool(const ::clienttier::scoring::v1::BatchRescoreProgress&)>& progress,
      std::optional<Day> past_day = std::nullopt);

 private:
  // Every client scored as of a past day (ScoreCalculator::LoadAsOf), each chunk's scores sent in
  // its progress message, then a last one with `done`; writes nothing (no score, tier history,
  // event, population, model or cache entry).
  void BatchRescoreAsOf(
      const std::string& tenant_id, Day as_of,
      const std::function<bool(const ::clienttier::scoring::v1::BatchRescoreProgress&)>& progress);

  TransactionRunner& transactions_;
  const ScoreCalculator& calculator_;
  AggregateRepository& aggregates_;
  ScoreRepository& scores_;
  VersionRepository& versions_;
  const ScoreChangeWriter& writer_;
  RescoreQueue& queue_;
  const ReferralCountsRefresher& referral_;
  ScoreCache& cache_;
  const Clock& clock_;
  BatchJobOptions options_;
  int threads_;
};

}  // namespace clienttier::scoring
