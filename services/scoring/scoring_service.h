#pragma once

#include "clienttier/scoring/v1/scoring_service.grpc.pb.h"
#include "common/server/rpc_runner.h"
#include "common/time/utc_time.h"
#include "services/scoring/app/batch_jobs.h"
#include "services/scoring/app/clv_evaluation.h"
#include "services/scoring/app/cohort_reports.h"
#include "services/scoring/app/config_admin.h"
#include "services/scoring/app/rescoring.h"
#include "services/scoring/app/score_reads.h"

namespace clienttier::scoring {

// The gRPC adapter: each handler validates, calls one use case of app/, and leaves error
// mapping to RpcRunner.
// GetScore uses the callback API: a score in the in-process cache is answered on gRPC's own
// thread; a miss goes to `io_workers`. Every other method is synchronous.
class ScoringService final
    : public v1::ScoringService::WithCallbackMethod_GetScore<v1::ScoringService::Service> {
 public:
  ScoringService(RpcRunner& runner, ScoreReads& reads, Rescoring& rescoring, ConfigAdmin& admin,
                 BatchJobs& jobs, const ClvEvaluation& evaluation, const CohortReports& cohorts,
                 WorkerPool& io_workers, const Clock& clock);

  grpc::ServerUnaryReactor* GetScore(grpc::CallbackServerContext* context,
                                     const v1::GetScoreRequest* request,
                                     v1::Score* response) override;
  grpc::Status ScoreClient(grpc::ServerContext* context, const v1::ScoreClientRequest* request,
                           v1::Score* response) override;
  grpc::Status ExplainScore(grpc::ServerContext* context, const v1::ExplainScoreRequest* request,
                            v1::ScoreExplanation* response) override;
  grpc::Status BatchRescore(grpc::ServerContext* context, const v1::BatchRescoreRequest* request,
                            grpc::ServerWriter<v1::BatchRescoreProgress>* writer) override;
  grpc::Status GetTierDistribution(grpc::ServerContext* context,
                                   const v1::GetTierDistributionRequest* request,
                                   v1::TierDistribution* response) override;
  grpc::Status ListTierChanges(grpc::ServerContext* context,
                               const v1::ListTierChangesRequest* request,
                               v1::ListTierChangesResponse* response) override;
  grpc::Status ListChurnWarnings(grpc::ServerContext* context,
                                 const v1::ListChurnWarningsRequest* request,
                                 v1::ListChurnWarningsResponse* response) override;
  grpc::Status StreamScores(grpc::ServerContext* context, const v1::StreamScoresRequest* request,
                            grpc::ServerWriter<v1::Score>* writer) override;
  grpc::Status StreamScorePages(grpc::ServerContext* context,
                                const v1::StreamScoresRequest* request,
                                grpc::ServerWriter<v1::ScorePage>* writer) override;
  grpc::Status GetScoringConfig(grpc::ServerContext* context,
                                const v1::GetScoringConfigRequest* request,
                                v1::ScoringConfig* response) override;
  grpc::Status PutScoringConfig(grpc::ServerContext* context,
                                const v1::PutScoringConfigRequest* request,
                                v1::ScoringConfig* response) override;
  grpc::Status FitClvModel(grpc::ServerContext* context, const v1::FitClvModelRequest* request,
                           v1::ClvModel* response) override;
  grpc::Status SetTierOverride(grpc::ServerContext* context,
                               const v1::SetTierOverrideRequest* request,
                               v1::Score* response) override;
  grpc::Status PutExchangeRate(grpc::ServerContext* context,
                               const v1::PutExchangeRateRequest* request,
                               v1::ExchangeRate* response) override;
  grpc::Status ListExchangeRates(grpc::ServerContext* context,
                                 const v1::ListExchangeRatesRequest* request,
                                 v1::ListExchangeRatesResponse* response) override;
  grpc::Status EvaluateClvModel(grpc::ServerContext* context,
                                const v1::EvaluateClvModelRequest* request,
                                v1::ClvModelEvaluation* response) override;
  grpc::Status GetCohortReport(grpc::ServerContext* context,
                               const v1::GetCohortReportRequest* request,
                               v1::CohortReport* response) override;

 private:
  RpcRunner& runner_;
  ScoreReads& reads_;
  Rescoring& rescoring_;
  ConfigAdmin& admin_;
  BatchJobs& jobs_;
  const ClvEvaluation& evaluation_;
  const CohortReports& cohorts_;
  WorkerPool& io_workers_;
  // For validating times in requests (ListTierChanges' since, an override's expiry).
  const Clock& clock_;
};

}  // namespace clienttier::scoring
