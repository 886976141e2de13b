#pragma once

#include <functional>
#include <string>

#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "services/scoring/scoring_engine.h"

namespace clienttier::scoring {

// The tenant-wide jobs: fitting the CLV models and rescoring every client (or one shard).
class BatchJobs {
 public:
  explicit BatchJobs(ScoringEngine& engine) : engine_(engine) {}

  // Fits BG/NBD and Gamma-Gamma on the tenant's aggregates and stores them as a new model
  // version (also when a fit did not converge: the stored model then says why it is unused).
  v1::ClvModel FitClvModel(const std::string& tenant_id);

  // Rescores the tenant (or one shard) in chunks, each its own transaction, and reports after
  // every chunk; `progress` returning false (the caller went away) stops the job between chunks.
  void Rescore(const std::string& tenant_id, const v1::BatchRescoreRequest& request,
               const std::function<bool(const v1::BatchRescoreProgress&)>& progress);

 private:
  ScoringEngine& engine_;
};

}  // namespace clienttier::scoring
