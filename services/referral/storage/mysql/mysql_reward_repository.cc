#include "services/referral/storage/mysql/mysql_reward_repository.h"

#include "common/db/sql_helpers.h"
#include "common/db/sql_text.h"

namespace clienttier::referral {

void MySqlRewardRepository::Insert(Transaction& transaction, const std::string& tenant_id,
                                   const std::vector<v1::Reward>& rewards) {
  sql::Connection& connection = ConnectionOf(transaction);
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

std::map<std::string, int64_t> MySqlRewardRepository::ReferrerRewardsSince(
    Transaction& transaction, const std::string& tenant_id,
    const std::vector<std::string>& client_ids, UnixMicros since) {
  sql::Connection& connection = ConnectionOf(transaction);
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

std::vector<v1::Reward> MySqlRewardRepository::ListForClient(Transaction& transaction,
                                                             const std::string& tenant_id,
                                                             const std::string& client_id) {
  sql::Connection& connection = ConnectionOf(transaction);
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

}  // namespace clienttier::referral
