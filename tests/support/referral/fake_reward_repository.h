#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/errors/domain_error.h"
#include "services/referral/storage/reward_repository.h"

namespace clienttier::referral::testing {

// The rewards ledger in memory; like the table's primary key, a second reward for one
// (referral, side) is refused.
class FakeRewardRepository final : public RewardRepository {
 public:
  void Insert(Transaction& /*transaction*/, const std::string& tenant_id,
              const std::vector<v1::Reward>& rewards) override {
    for (const v1::Reward& reward : rewards) {
      for (const auto& [tenant, stored] : ledger) {
        if (tenant == tenant_id && stored.referral_id() == reward.referral_id() &&
            stored.side() == reward.side()) {
          throw AlreadyExists("already exists");
        }
      }
    }
    for (const v1::Reward& reward : rewards) {
      ledger.emplace_back(tenant_id, reward);
    }
  }
  std::map<std::string, int64_t> ReferrerRewardsSince(Transaction& /*transaction*/,
                                                      const std::string& tenant_id,
                                                      const std::vector<std::string>& client_ids,
                                                      UnixMicros since) override {
    std::map<std::string, int64_t> counts;
    for (const auto& [tenant, reward] : ledger) {
      if (tenant == tenant_id && reward.side() == v1::REWARD_SIDE_REFERRER &&
          FromProtoTimestamp(reward.issued_at()) >= since &&
          std::find(client_ids.begin(), client_ids.end(), reward.client_id()) != client_ids.end()) {
        ++counts[reward.client_id()];
      }
    }
    return counts;
  }
  std::vector<v1::Reward> ListForClient(Transaction& /*transaction*/, const std::string& tenant_id,
                                        const std::string& client_id) override {
    std::vector<v1::Reward> rewards;
    for (const auto& [tenant, reward] : ledger) {
      if (tenant == tenant_id && reward.client_id() == client_id) {
        rewards.push_back(reward);
      }
    }
    std::sort(rewards.begin(), rewards.end(), [](const v1::Reward& a, const v1::Reward& b) {
      const UnixMicros at_a = FromProtoTimestamp(a.issued_at());
      const UnixMicros at_b = FromProtoTimestamp(b.issued_at());
      return at_a != at_b ? at_a > at_b : a.reward_id() < b.reward_id();
    });
    return rewards;
  }

  std::vector<std::pair<std::string, v1::Reward>> ledger;  // (tenant, reward), in write order
};

}  // namespace clienttier::referral::testing
