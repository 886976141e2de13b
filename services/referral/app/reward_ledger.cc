#include "services/referral/app/reward_ledger.h"

#include <cstdint>
#include <map>

#include "services/referral/app/propagation_mapping.h"

namespace clienttier::referral {

RewardLedger::RewardLedger(TransactionRunner& transactions, RewardRepository& rewards)
    : transactions_(transactions), rewards_(rewards) {}

v1::ListRewardsResponse RewardLedger::List(const std::string& tenant_id,
                                           const std::string& client_id) {
  v1::ListRewardsResponse response;
  std::map<std::string, int64_t> balance;
  transactions_.Read([&](Transaction& transaction) {
    for (v1::Reward& reward : rewards_.ListForClient(transaction, tenant_id, client_id)) {
      balance[reward.amount().currency()] += reward.amount().units();
      *response.add_rewards() = std::move(reward);
    }
  });
  for (const auto& [currency, units] : balance) {
    *response.add_balance() = Money(units, currency);
  }
  return response;
}

}  // namespace clienttier::referral
