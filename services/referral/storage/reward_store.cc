#include "services/referral/storage/reward_store.h"

#include "common/db/sql_helpers.h"
#include "common/db/sql_text.h"
#include "common/errors/domain_error.h"

namespace clienttier::referral {

void RewardStore::Insert(sql::Connection& connection, const std::string& tenant_id,
                         const std::vector<v1::Reward>& rewards) {
  if (rewards.empty()) {
    return;
  }
  SqlText insert(connection);
  insert.Sql(
      "INSERT INTO rewards (tenant_id, reward_id, referral_id, client_id, side, kind, "
      "amount_minor, currency, issued_at) VALUES ");
  for (const v1::Reward& reward : rewards) {
    insert.Row()
        .Str(tenant_id)
        .Str(reward.reward_id())
        .Str(reward.referral_id())
        .Str(reward.client_id())
        .Int(reward.side())
        .Int(reward.kind())
        .Int(reward.amount().units())
        .Str(reward.amount().currency())
        .Str(FormatSqlDatetime(FromProtoTimestamp(reward.issued_at())));
  }
  insert.Execute();
}

std::map<std::string, int64_t> RewardStore::ReferrerRewardsSince(
    sql::Connection& connection, const std::string& tenant_id,
    const std::vector<std::string>& client_ids, UnixMicros since) {
  std::map<std::string, int64_t> counts;
  if (client_ids.empty()) {
    return counts;
  }
  SqlText select(connection);
  select.Sql("SELECT client_id, COUNT(*) FROM rewards WHERE tenant_id = ")
      .Str(tenant_id)
      .Sql(" AND client_id IN (")
      .StrList(client_ids)
      .Sql(") AND side = ")
      .Int(v1::REWARD_SIDE_REFERRER)
      .Sql(" AND issued_at >= ")
      .Str(FormatSqlDatetime(since))
      .Sql(" GROUP BY client_id LOCK IN SHARE MODE");
  auto rows = select.Query();
  while (rows->next()) {
    counts.emplace(rows->getString(1), rows->getInt64(2));
  }
  return counts;
}

std::vector<v1::Reward> RewardStore::ListForClient(sql::Connection& connection,
                                                   const std::string& tenant_id,
                                                   const std::string& client_id) {
  auto select = Prepare(connection,
                        "SELECT reward_id, referral_id, client_id, side, kind, amount_minor, "
                        "currency, issued_at FROM rewards WHERE tenant_id = ? AND client_id = ? "
                        "ORDER BY issued_at DESC, reward_id");
  select->setString(1, tenant_id);
  select->setString(2, client_id);
  auto rows = Query(*select);
  std::vector<v1::Reward> rewards;
  while (rows->next()) {
    v1::Reward& reward = rewards.emplace_back();
    reward.set_reward_id(rows->getString("reward_id"));
    reward.set_referral_id(rows->getString("referral_id"));
    reward.set_client_id(rows->getString("client_id"));
    reward.set_side(static_cast<v1::RewardSide>(rows->getInt("side")));
    reward.set_kind(static_cast<v1::RewardKind>(rows->getInt("kind")));
    reward.mutable_amount()->set_units(rows->getInt64("amount_minor"));
    reward.mutable_amount()->set_currency(rows->getString("currency"));
    *reward.mutable_issued_at() = ToProtoTimestamp(ParseSqlDatetime(rows->getString("issued_at")));
  }
  return rewards;
}

std::optional<RewardRules> RewardStore::LoadRules(sql::Connection& connection,
                                                  const std::string& tenant_id) {
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

RewardRules RewardStore::SaveRules(sql::Connection& connection, const std::string& tenant_id,
                                   const RewardRules& rules, int64_t expected_version,
                                   UnixMicros now) {
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
