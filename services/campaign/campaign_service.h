#pragma once

#include "clienttier/campaign/v1/campaign_service.grpc.pb.h"
#include "common/server/rpc_runner.h"
#include "common/time/utc_time.h"
#include "services/campaign/app/use_cases.h"

namespace clienttier::campaign {

// The gRPC adapter: validates the request's shape, calls one use case (app/), maps errors
// (RpcRunner).
// Synchronous API: every call reads MySQL (at least the tenant's member revision).
class CampaignService final : public v1::CampaignService::Service {
 public:
  CampaignService(RpcRunner& runner, CampaignUseCaseSet use_cases, const Clock& clock);

  grpc::Status CreateSegment(grpc::ServerContext* context, const v1::CreateSegmentRequest* request,
                             v1::Segment* response) override;
  grpc::Status GetSegment(grpc::ServerContext* context, const v1::GetSegmentRequest* request,
                          v1::Segment* response) override;
  grpc::Status UpdateSegment(grpc::ServerContext* context, const v1::UpdateSegmentRequest* request,
                             v1::Segment* response) override;
  grpc::Status ListSegments(grpc::ServerContext* context, const v1::ListSegmentsRequest* request,
                            v1::ListSegmentsResponse* response) override;
  grpc::Status DeleteSegment(grpc::ServerContext* context, const v1::DeleteSegmentRequest* request,
                             v1::DeleteSegmentResponse* response) override;
  grpc::Status PreviewSegment(grpc::ServerContext* context,
                              const v1::PreviewSegmentRequest* request,
                              v1::SegmentPreview* response) override;
  grpc::Status StreamSegmentMembers(grpc::ServerContext* context,
                                    const v1::StreamSegmentMembersRequest* request,
                                    grpc::ServerWriter<v1::SegmentMembersChunk>* writer) override;

  grpc::Status CreateCampaign(grpc::ServerContext* context,
                              const v1::CreateCampaignRequest* request,
                              v1::Campaign* response) override;
  grpc::Status GetCampaign(grpc::ServerContext* context, const v1::GetCampaignRequest* request,
                           v1::Campaign* response) override;
  grpc::Status ListCampaigns(grpc::ServerContext* context, const v1::ListCampaignsRequest* request,
                             v1::ListCampaignsResponse* response) override;
  grpc::Status SimulateCampaign(grpc::ServerContext* context,
                                const v1::SimulateCampaignRequest* request,
                                v1::AudienceSummary* response) override;
  grpc::Status LaunchCampaign(grpc::ServerContext* context,
                              const v1::LaunchCampaignRequest* request,
                              v1::Campaign* response) override;
  grpc::Status PauseCampaign(grpc::ServerContext* context, const v1::PauseCampaignRequest* request,
                             v1::Campaign* response) override;
  grpc::Status CompleteCampaign(grpc::ServerContext* context,
                                const v1::CompleteCampaignRequest* request,
                                v1::Campaign* response) override;

  grpc::Status RecordOutcome(grpc::ServerContext* context, const v1::RecordOutcomeRequest* request,
                             v1::RecordOutcomeResponse* response) override;
  grpc::Status RecordOutcomes(grpc::ServerContext* context,
                              const v1::RecordOutcomesRequest* request,
                              v1::RecordOutcomesResponse* response) override;
  grpc::Status GetCampaignReport(grpc::ServerContext* context,
                                 const v1::GetCampaignReportRequest* request,
                                 v1::CampaignReport* response) override;
  grpc::Status GetNextBestAction(grpc::ServerContext* context,
                                 const v1::GetNextBestActionRequest* request,
                                 v1::NextBestAction* response) override;

  grpc::Status GetCampaignSettings(grpc::ServerContext* context,
                                   const v1::GetCampaignSettingsRequest* request,
                                   v1::CampaignSettings* response) override;
  grpc::Status PutCampaignSettings(grpc::ServerContext* context,
                                   const v1::PutCampaignSettingsRequest* request,
                                   v1::CampaignSettings* response) override;
  grpc::Status SyncMembers(grpc::ServerContext* context, const v1::SyncMembersRequest* request,
                           v1::SyncMembersResponse* response) override;

 private:
  RpcRunner& runner_;
  CampaignUseCaseSet use_cases_;
  const Clock& clock_;
};

}  // namespace clienttier::campaign
