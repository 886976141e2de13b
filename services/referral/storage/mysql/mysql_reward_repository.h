#pragma once

#include "services/referral/storage/reward_repository.h"

namespace clienttier::referral {

class MySqlRewardRepository final : public RewardRepository {
 public:
  void Insert(Transaction& transaction, const std::string& tenant_id,
              const std::vector<v1::Reward>& rewards) override;
  std::map<std::string, int64_t> ReferrerRewardsSince(Transaction& transaction,
                                                      const std::string& tenant_id,
                                                      const std::vector<std::string>& client_ids,
                                                      UnixMicros since) override;
  std::vector<v1::Reward> ListForClient(Transaction& transaction, const std::string& tenant_id,
                                        const std::string& client_id) override;
};

}  // namespace clienttier::referral
