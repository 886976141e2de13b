#include "services/referral/storage/mysql/mysql_reward_rules_repository.h"

#include "common/db/sql_helpers.h"
#include "common/errors/domain_error.h"

namespace clienttier::referral {

std::optional<RewardRules> MySqlRewardRulesRepository::Load(Transaction& transaction,
                                                            const std::string& tenant_id) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto select = Prepare(connection,
                        "SELECT version, currency, referrer_reward_minor, referee_reward_minor, "
                        "kind, qualifying_minimum_minor, max_rewarded_per_referrer, "
                        "cap_window_days, max_referrals_per_day FROM reward_rules "
                        "WHERE tenant_id = ?");
  select->setString(1, tenant_id);
  auto rows = Query(*select);
  if (!rows->next()) {
    return std::nullopt;
  }
  RewardRules rules;
  rules.version = rows->getInt64("version");
  rules.currency = rows->getString("currency");
  rules.referrer_reward_minor = rows->getInt64("referrer_reward_minor");
  rules.referee_reward_minor = rows->getInt64("referee_reward_minor");
  rules.kind = static_cast<RewardKind>(rows->getInt("kind"));
  rules.qualifying_minimum_minor = rows->getInt64("qualifying_minimum_minor");
  rules.max_rewarded_per_referrer = rows->getInt64("max_rewarded_per_referrer");
  rules.cap_window_days = rows->getInt64("cap_window_days");
  rules.max_referrals_per_day = rows->getInt64("max_referrals_per_day");
  return rules;
}

RewardRules MySqlRewardRulesRepository::Save(Transaction& transaction, const std::string& tenant_id,
                                             const RewardRules& rules, int64_t expected_version,
                                             UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  RewardRules saved = rules;
  saved.version = expected_version + 1;
  std::unique_ptr<sql::PreparedStatement> write;
  if (expected_version == 0) {
    // INSERT IGNORE: a concurrent first save makes this insert nothing, caught below.
    write = Prepare(connection,
                    "INSERT IGNORE INTO reward_rules (currency, referrer_reward_minor, "
                    "referee_reward_minor, kind, qualifying_minimum_minor, "
                    "max_rewarded_per_referrer, cap_window_days, max_referrals_per_day, "
                    "updated_at, version, tenant_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  } else {
    write = Prepare(connection,
                    "UPDATE reward_rules SET currency = ?, referrer_reward_minor = ?, "
                    "referee_reward_minor = ?, kind = ?, qualifying_minimum_minor = ?, "
                    "max_rewarded_per_referrer = ?, cap_window_days = ?, "
                    "max_referrals_per_day = ?, updated_at = ?, version = ? "
                    "WHERE tenant_id = ? AND version = ?");
    write->setInt64(12, expected_version);
  }
  write->setString(1, saved.currency);
  write->setInt64(2, saved.referrer_reward_minor);
  write->setInt64(3, saved.referee_reward_minor);
  write->setInt(4, static_cast<int>(saved.kind));
  write->setInt64(5, saved.qualifying_minimum_minor);
  write->setInt64(6, saved.max_rewarded_per_referrer);
  write->setInt64(7, saved.cap_window_days);
  write->setInt64(8, saved.max_referrals_per_day);
  write->setString(9, FormatSqlDatetime(now));
  write->setInt64(10, saved.version);
  write->setString(11, tenant_id);
  if (write->executeUpdate() != 1) {
    throw Conflict("reward rules changed since version " + std::to_string(expected_version) +
                   "; read them again");
  }
  return saved;
}

}  // namespace clienttier::referral
