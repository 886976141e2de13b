#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "clienttier/referral/v1/referral_service.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"

namespace clienttier::referral {

// rewards: the append-only ledger.
class RewardRepository {
 public:
  virtual ~RewardRepository() = default;

  // Writes the rewards; the (referral, side) unique key refuses a second write.
  virtual void Insert(Transaction& transaction, const std::string& tenant_id,
                      const std::vector<v1::Reward>& rewards) = 0;
  // Referrer rewards each client received since `since` (the cap window); a locking read.
  virtual std::map<std::string, int64_t> ReferrerRewardsSince(
      Transaction& transaction, const std::string& tenant_id,
      const std::vector<std::string>& client_ids, UnixMicros since) = 0;
  // Newest first.
  virtual std::vector<v1::Reward> ListForClient(Transaction& transaction,
                                                const std::string& tenant_id,
                                                const std::string& client_id) = 0;
};

}  // namespace clienttier::referral
