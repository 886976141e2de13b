#pragma once

#include "clienttier/referral/v1/referral_service.grpc.pb.h"
#include "common/server/rpc_runner.h"
#include "common/time/utc_time.h"
#include "services/referral/app/codes.h"
#include "services/referral/app/conversion.h"
#include "services/referral/app/invitations.h"
#include "services/referral/app/registration.h"
#include "services/referral/app/reward_ledger.h"
#include "services/referral/app/reward_settings.h"
#include "services/referral/app/statistics.h"

namespace clienttier::referral {

// The use cases the handlers call, one group each (app/).
struct ReferralUseCases {
  ReferralCodes& codes;
  Invitations& invitations;
  Registration& registration;
  Conversion& conversion;
  RewardLedger& ledger;
  ReferralStatistics& statistics;
  RewardSettings& settings;
};

// The gRPC adapter: validates, calls one use case, maps the result (errors via RpcRunner).
// Every method is synchronous: each needs MySQL, and none is hot enough to earn the callback
// API's cached-read path (see the top-level README's threading model).
class ReferralService final : public v1::ReferralService::Service {
 public:
  // `clock` bounds the purchase times ConvertReferral accepts.
  ReferralService(RpcRunner& runner, ReferralUseCases use_cases, const Clock& clock);

  grpc::Status IssueCode(grpc::ServerContext* context, const v1::IssueCodeRequest* request,
                         v1::ReferralCode* response) override;
  grpc::Status IssueCodes(grpc::ServerContext* context, const v1::IssueCodesRequest* request,
                          v1::IssueCodesResponse* response) override;
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
  grpc::Status ListPropagation(grpc::ServerContext* context,
                               const v1::ListPropagationRequest* request,
                               v1::ListPropagationResponse* response) override;
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
  ReferralUseCases use_cases_;
  const Clock& clock_;
};

}  // namespace clienttier::referral
