#pragma once

#include "clienttier/profile/v1/profile_service.grpc.pb.h"
#include "common/server/rpc_runner.h"
#include "common/time/utc_time.h"
#include "services/client-profile/app/activity_use_cases.h"
#include "services/client-profile/app/client_use_cases.h"
#include "services/client-profile/app/record_settings_use_cases.h"
#include "services/client-profile/app/retention_use_cases.h"

namespace clienttier::profile {

namespace v1 = ::clienttier::profile::v1;

// The gRPC adapter of client-profile: each handler validates the request, calls one use case
// (app/) and fills the response from its result.
// Runs on the sync API's bounded thread pool (see common/server/server_host.h).
// GetClient uses the callback API: a client in the in-process cache is answered on gRPC's own
// thread, without handing the call to a worker; a miss goes to `io_workers` (Redis, MySQL).
// Every other method is synchronous (see README, threading model).
class ProfileService final : public v1::ClientProfileService::WithCallbackMethod_GetClient<
                                 v1::ClientProfileService::Service> {
 public:
  // `clock` is for validation only ("not in the future"); the use cases take their own.
  ProfileService(RpcRunner& runner, ClientUseCases& clients, ActivityUseCases& activity,
                 RecordSettingsUseCases& settings, RetentionUseCases& retention, const Clock& clock,
                 WorkerPool& io_workers);

  grpc::Status CreateClient(grpc::ServerContext* context, const v1::CreateClientRequest* request,
                            v1::Client* response) override;
  grpc::ServerUnaryReactor* GetClient(grpc::CallbackServerContext* context,
                                      const v1::GetClientRequest* request,
                                      v1::Client* response) override;
  grpc::Status UpdateClient(grpc::ServerContext* context, const v1::UpdateClientRequest* request,
                            v1::Client* response) override;
  grpc::Status ListClients(grpc::ServerContext* context, const v1::ListClientsRequest* request,
                           v1::ListClientsResponse* response) override;
  grpc::Status EraseClient(grpc::ServerContext* context, const v1::EraseClientRequest* request,
                           v1::Client* response) override;
  grpc::Status RecordTransaction(grpc::ServerContext* context,
                                 const v1::RecordTransactionRequest* request,
                                 v1::RecordTransactionResponse* response) override;
  grpc::Status RecordTransactions(grpc::ServerContext* context,
                                  const v1::RecordTransactionsRequest* request,
                                  v1::RecordTransactionsResponse* response) override;
  grpc::Status RecordInteraction(grpc::ServerContext* context,
                                 const v1::RecordInteractionRequest* request,
                                 v1::RecordInteractionResponse* response) override;
  grpc::Status RecordInteractions(grpc::ServerContext* context,
                                  const v1::RecordInteractionsRequest* request,
                                  v1::RecordInteractionsResponse* response) override;
  grpc::Status ImportClients(grpc::ServerContext* context,
                             grpc::ServerReader<v1::ImportClientsRequest>* reader,
                             v1::ImportClientsResponse* response) override;
  grpc::Status ExportClients(grpc::ServerContext* context, const v1::ExportClientsRequest* request,
                             grpc::ServerWriter<v1::ExportClientsResponse>* writer) override;
  grpc::Status ExportClientPages(grpc::ServerContext* context,
                                 const v1::ExportClientsRequest* request,
                                 grpc::ServerWriter<v1::ExportClientPage>* writer) override;
  grpc::Status GetActivitySummary(grpc::ServerContext* context,
                                  const v1::GetActivitySummaryRequest* request,
                                  v1::ActivitySummary* response) override;
  grpc::Status ListConsentHistory(grpc::ServerContext* context,
                                  const v1::ListConsentHistoryRequest* request,
                                  v1::ListConsentHistoryResponse* response) override;
  grpc::Status GetRecordSettings(grpc::ServerContext* context,
                                 const v1::GetRecordSettingsRequest* request,
                                 v1::RecordSettings* response) override;
  grpc::Status PutRecordSettings(grpc::ServerContext* context,
                                 const v1::PutRecordSettingsRequest* request,
                                 v1::RecordSettings* response) override;
  grpc::Status PurgeExpired(grpc::ServerContext* context, const v1::PurgeExpiredRequest* request,
                            v1::PurgeExpiredResponse* response) override;
  grpc::Status MergeClients(grpc::ServerContext* context, const v1::MergeClientsRequest* request,
                            v1::MergeClientsResponse* response) override;

 private:
  RpcRunner& runner_;
  ClientUseCases& clients_;
  ActivityUseCases& activity_;
  RecordSettingsUseCases& settings_;
  RetentionUseCases& retention_;
  const Clock& clock_;
  WorkerPool& io_workers_;
};

}  // namespace clienttier::profile
