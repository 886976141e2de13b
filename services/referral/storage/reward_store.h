#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <cppconn/connection.h>

#include "clienttier/referral/v1/referral_service.pb.h"
#include "common/time/utc_time.h"
#include "services/referral/domain/reward_rules.h"

namespace clienttier::referral {

// rewards (the append-only ledger) and reward_rules (one versioned row per tenant).
class RewardStore {
 public:
  // Writes the rewards; the (referral, side) unique key refuses a second write.
  static void Insert(sql::Connection& connection, const std::string& tenant_id,
                     const std::vector<v1::Reward>& rewards);
  // Referrer rewards each client received since `since` (the cap window); a locking read.
  static std::map<std::string, int64_t> ReferrerRewardsSince(
      sql::Connection& connection, const std::string& tenant_id,
      const std::vector<std::string>& client_ids, UnixMicros since);
  // Newest first.
  static std::vector<v1::Reward> ListForClient(sql::Connection& connection,
                                               const std::string& tenant_id,
                                               const std::string& client_id);

  static std::optional<RewardRules> LoadRules(sql::Connection& connection,
                                              const std::string& tenant_id);
  // Stores version expected_version + 1; throws Conflict when the stored version is not
  // `expected_version` (0: none stored).
  static RewardRules SaveRules(sql::Connection& connection, const std::string& tenant_id,
                               const RewardRules& rules, int64_t expected_version, UnixMicros now);
};

}  // namespace clienttier::referral
