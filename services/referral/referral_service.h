#pragma once

#include "clienttier/referral/v1/referral_service.grpc.pb.h"
#include "common/server/rpc_runner.h"
#include "services/referral/referral_engine.h"

namespace clienttier::referral {

// The gRPC adapter: validates, calls the engine or a store, maps errors (via RpcRunner).
// Every method is synchronous: each needs MySQL, and none is hot enough to earn the callback
// API's cached-read path (see the top-level README's threading model).
class ReferralService final : public v1::ReferralService::Service {
 public:
  ReferralService(RpcRunner& runner, ReferralEngine& engine);

  grpc::Status IssueCode(grpc::ServerContext* context, const v1::IssueCodeRequest* request,
                         v1::ReferralCode* response) override;
  grpc::Status RevokeCode(grpc::ServerContext* context, const v1::RevokeCodeRequest* request,
                          v1::ReferralCode* response) override;
  grpc::Status RecordInvitations(grpc::ServerContext* context,
                                 const v1::RecordInvitationsRequest* request,
                                 v1::RecordInvitationsResponse* response) override;
  grpc::Status RegisterReferral(grpc::ServerContext* context,
                                const v1::RegisterReferralRequest* request,
                                v1::Referral* response) override;
  grpc::Status RegisterReferrals(grpc::ServerContext* context,
                                 const v1::RegisterReferralsRequest* request,
                                 v1::RegisterReferralsResponse* response) override;
  grpc::Status ConvertReferral(grpc::ServerContext* context,
                               const v1::ConvertReferralRequest* request,
                               v1::ConvertReferralResponse* response) override;
  grpc::Status GetReferral(grpc::ServerContext* context, const v1::GetReferralRequest* request,
                           v1::Referral* response) override;
  grpc::Status ListRewards(grpc::ServerContext* context, const v1::ListRewardsRequest* request,
                           v1::ListRewardsResponse* response) override;
  grpc::Status GetReferralStats(grpc::ServerContext* context,
                                const v1::GetReferralStatsRequest* request,
                                v1::ReferralStats* response) override;
  grpc::Status GetPropagation(grpc::ServerContext* context,
                              const v1::GetPropagationRequest* request,
                              v1::GetPropagationResponse* response) override;
  grpc::Status Leaderboard(grpc::ServerContext* context, const v1::LeaderboardRequest* request,
                           v1::LeaderboardResponse* response) override;
  grpc::Status GetRewardRules(grpc::ServerContext* context,
                              const v1::GetRewardRulesRequest* request,
                              v1::RewardRules* response) override;
  grpc::Status PutRewardRules(grpc::ServerContext* context,
                              const v1::PutRewardRulesRequest* request,
                              v1::RewardRules* response) override;

 private:
  RpcRunner& runner_;
  ReferralEngine& engine_;
};

}  // namespace clienttier::referral
