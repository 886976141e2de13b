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
class TenantJobsRunning {
 public:
  // Counts a job as running until destroyed.
  class Job {
   public:
    explicit Job(TenantJobsRunning* jobs) : jobs_(jobs) {
      if (jobs_ != nullptr) {
        jobs_->running_.fetch_add(1);
      }
    }
    ~Job() {
      if (jobs_ != nullptr) {
        jobs_->running_.fetch_sub(1);
      }
    }
    Job(const Job&) = delete;
    Job& operator=(const Job&) = delete;

   private:
    TenantJobsRunning* jobs_;
  };

  bool any() const { return running_.load() > 0; }

 private:
  std::atomic<int> running_{0};
};

}  // namespace clienttier::scoring
