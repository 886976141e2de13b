#include "services/campaign/storage/mysql/mysql_outcome_repository.h"

#include "common/db/sql_helpers.h"

namespace clienttier::campaign {

bool MySqlOutcomeRepository::Insert(Transaction& transaction, const std::string& tenant_id,
                                    const OutcomeRow& outcome) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto insert = Prepare(connection,
                        "INSERT IGNORE INTO outcomes (tenant_id, campaign_id, idempotency_key,"
                        " client_id, audience_group, converted, revenue_minor, currency,"
                        " occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert->setString(1, tenant_id);
  insert->setString(2, outcome.campaign_id);
  insert->setString(3, outcome.idempotency_key);
  insert->setString(4, outcome.client_id);
  insert->setInt(5, outcome.group);
  insert->setBoolean(6, outcome.converted);
  insert->setInt64(7, outcome.revenue_minor);
  insert->setString(8, outcome.currency);
  insert->setString(9, FormatSqlDatetime(outcome.occurred_at));
  return insert->executeUpdate() == 1;
}

std::pair<GroupOutcome, GroupOutcome> MySqlOutcomeRepository::GroupOutcomes(
    Transaction& transaction, const std::string& tenant_id, const std::string& campaign_id) {
  sql::Connection& connection = ConnectionOf(transaction);
  GroupOutcome treatment;
  GroupOutcome holdout;
  auto group_of = [&](int group) -> GroupOutcome& {
    return group == v1::AUDIENCE_GROUP_HOLDOUT ? holdout : treatment;
  };
  auto sizes = Prepare(connection,
                       "SELECT audience_group, COUNT(*) FROM audience"
                       " WHERE tenant_id = ? AND campaign_id = ? GROUP BY audience_group");
  sizes->setString(1, tenant_id);
  sizes->setString(2, campaign_id);
  auto rows = Query(*sizes);
  while (rows->next()) {
    group_of(rows->getInt(1)).size = rows->getInt64(2);
  }
  // A member converts once however many converting outcomes it has; revenue adds them all.
  auto results = Prepare(connection,
                         "SELECT audience_group, COUNT(DISTINCT IF(converted, client_id, NULL)),"
                         " COALESCE(SUM(revenue_minor), 0) FROM outcomes"
                         " WHERE tenant_id = ? AND campaign_id = ? GROUP BY audience_group");
  results->setString(1, tenant_id);
  results->setString(2, campaign_id);
  rows = Query(*results);
  while (rows->next()) {
    GroupOutcome& group = group_of(rows->getInt(1));
    group.conversions = rows->getInt64(2);
    group.revenue_minor = rows->getInt64(3);
  }
  return {treatment, holdout};
}

}  // namespace clienttier::campaign
