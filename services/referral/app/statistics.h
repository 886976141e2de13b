#pragma once

#include <string>
#include <vector>

#include "clienttier/referral/v1/referral_service.pb.h"
#include "common/db/transaction.h"
#include "services/referral/app/reward_settings.h"
#include "services/referral/storage/referral_repository.h"

namespace clienttier::referral {

// The reads of referral's running counts: funnel statistics (GetReferralStats), propagation
// for scoring (GetPropagation) and the Leaderboard. Money is in the tenant's rules' currency.
class ReferralStatistics {
 public:
  ReferralStatistics(TransactionRunner& transactions, ReferralRepository& referrals,
                     RewardSettings& settings);

  // The tenant's totals when `client_id` is empty, else that referrer's.
  v1::ReferralStats Stats(const std::string& tenant_id, const std::string& client_id);
  // One entry per id, in order; a client referral knows nothing about is silent.
  std::vector<v1::Propagation> Propagation(const std::string& tenant_id,
                                           const std::vector<std::string>& client_ids);
  // The referrers of `range` (ReferralRepository::ReferrersInRange), at most `limit`.
  std::vector<v1::Propagation> PropagationInRange(const std::string& tenant_id,
                                                  const ClientIdRange& range, int limit);
  v1::LeaderboardResponse Leaderboard(const std::string& tenant_id, int limit);

 private:
  TransactionRunner& transactions_;
  ReferralRepository& referrals_;
  RewardSettings& settings_;
};

}  // namespace clienttier::referral
