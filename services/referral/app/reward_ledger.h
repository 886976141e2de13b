#pragma once

#include <string>

#include "clienttier/referral/v1/referral_service.pb.h"
#include "common/db/transaction.h"
#include "services/referral/storage/reward_repository.h"

namespace clienttier::referral {

// ListRewards: a client's side of the ledger, newest first, with its balance per currency.
class RewardLedger {
 public:
  RewardLedger(TransactionRunner& transactions, RewardRepository& rewards);

  v1::ListRewardsResponse List(const std::string& tenant_id, const std::string& client_id);

 private:
  TransactionRunner& transactions_;
  RewardRepository& rewards_;
};

}  // namespace clienttier::referral
