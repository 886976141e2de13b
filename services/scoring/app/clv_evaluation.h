#pragma once

#include <string>

#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/scoring/app/score_calculator.h"
#include "services/scoring/app/tenant_jobs_running.h"
#include "services/scoring/storage/aggregate_repository.h"

namespace clienttier::scoring {

// EvaluateClvModel: the CLV models fitted as of a past day, checked against what happened after
// it (calibration/holdout validation). Reads only; the active model and scores stay as they are.
class ClvEvaluation {
 public:
  // `readers`: connections the tenant is read on at once (ReadTenantFacts); unit tests over
  // single-threaded fakes use 1.
  ClvEvaluation(TransactionRunner& transactions, const ScoreCalculator& calculator,
                AggregateRepository& aggregates, int readers, TenantJobsRunning* running = nullptr)
      : transactions_(transactions),
        calculator_(calculator),
        aggregates_(aggregates),
        readers_(readers),
        running_(running) {}

  // Fits on the facts as of `calibration_end` (with the tenant's active config and exchange
  // rates) and compares the predictions for the days after it up to `holdout_end` with the
  // facts as of `holdout_end`. The caller checks calibration_end < holdout_end <= today.
  ::clienttier::scoring::v1::ClvModelEvaluation Evaluate(const std::string& tenant_id,
                                                         Day calibration_end,
                                                         Day holdout_end) const;

 private:
  TransactionRunner& transactions_;
  const ScoreCalculator& calculator_;
  AggregateRepository& aggregates_;
  int readers_;
  TenantJobsRunning* running_;  // counts the evaluation as running; nullptr: not counted
};

}  // namespace clienttier::scoring
