#pragma once

#include <atomic>

namespace clienttier::scoring {

// Whether a tenant-wide job (FitClvModel, EvaluateClvModel, BatchRescore) runs in this process.
// The rescore queue's drain (ProfileEventApplier::RescoreQueued) waits while one does:
// - a BatchRescore takes over the queued clients it scores, so draining them first is work
//   done twice;
// - the jobs read the whole tenant on every core. In bench/demo-1m a drain of ~600,000 queued
//   clients at full speed beside them made the fit and the holdout ~40% slower and BatchRescore
//   twice as slow (60 s against ~30 s), while BatchRescore then took over what was left.
// Other replicas go on draining; a client is rescored by one of them or by the job, never lost.
// A drain already under way when a job starts goes on beside a fit or a holdout (they leave a
// core to it) and stops when a BatchRescore, which takes the queue over, starts.
class TenantJobsRunning {
 public:
  // Counts a job as running until destroyed; `takes_over_queue` for BatchRescore of today.
  class Job {
   public:
    explicit Job(TenantJobsRunning* jobs, bool takes_over_queue = false)
        : jobs_(jobs), takes_over_queue_(takes_over_queue) {
      if (jobs_ != nullptr) {
        jobs_->running_.fetch_add(1);
        jobs_->taking_over_.fetch_add(takes_over_queue_ ? 1 : 0);
      }
    }
    ~Job() {
      if (jobs_ != nullptr) {
        jobs_->running_.fetch_sub(1);
        jobs_->taking_over_.fetch_sub(takes_over_queue_ ? 1 : 0);
      }
    }
    Job(const Job&) = delete;
    Job& operator=(const Job&) = delete;

   private:
    TenantJobsRunning* jobs_;
    bool takes_over_queue_;
  };

  bool any() const { return running_.load() > 0; }
  bool taking_over_queue() const { return taking_over_.load() > 0; }

 private:
  std::atomic<int> running_{0};
  std::atomic<int> taking_over_{0};
};

}  // namespace clienttier::scoring
