#include "services/campaign/storage/mysql/mysql_outcome_repository.h"

#include <algorithm>

#include "common/db/sql_helpers.h"
#include "common/db/sql_text.h"

namespace clienttier::campaign {

namespace {

// Rows per INSERT: one RecordOutcomes call (up to 1,000 outcomes) in a statement or two.
constexpr size_t kRowsPerInsert = 500;

}  // namespace

std::set<OutcomeKey> MySqlOutcomeRepository::RecordedKeys(Transaction& transaction,
                                                          const std::string& tenant_id,
                                                          const std::vector<OutcomeKey>& keys) {
  sql::Connection& connection = ConnectionOf(transaction);
  std::set<OutcomeKey> recorded;
  for (size_t begin = 0; begin < keys.size(); begin += kKeysPerInList) {
    const size_t end = std::min(keys.size(), begin + kKeysPerInList);
    // A join from the keys, not `(campaign_id, idempotency_key) IN (...)`: with statistics
    // taken while the table was small (it grows from empty during a campaign's import), MariaDB
    // read the IN list as the tenant's whole range of the key, 120,000 rows for 500 keys
    // (checked by hand); the join looks each key up (services/scoring/README.md "Long IN
    // lists and MariaDB's plans").
    SqlText select(connection);
    select.Sql("WITH wanted (campaign_id, idempotency_key) AS (VALUES ");
    for (size_t i = begin; i < end; ++i) {
      select.Row().Str(keys[i].first).Str(keys[i].second);
    }
    select
        .Sql(
            ") SELECT STRAIGHT_JOIN o.campaign_id, o.idempotency_key FROM wanted JOIN outcomes o"
            " ON o.tenant_id = ")
        .Str(tenant_id)
        .Sql(
            " AND o.campaign_id = wanted.campaign_id AND o.idempotency_key ="
            " wanted.idempotency_key");
    for (auto rows = select.Query(); rows->next();) {
      recorded.emplace(rows->getString(1), rows->getString(2));
    }
  }
  return recorded;
}

void MySqlOutcomeRepository::InsertNew(Transaction& transaction, const std::string& tenant_id,
                                       const std::vector<OutcomeRow>& outcomes) {
  sql::Connection& connection = ConnectionOf(transaction);
  for (size_t begin = 0; begin < outcomes.size(); begin += kRowsPerInsert) {
    const size_t end = std::min(outcomes.size(), begin + kRowsPerInsert);
    SqlText insert(connection);
    insert.Sql(
        "INSERT INTO outcomes (tenant_id, campaign_id, idempotency_key, client_id, audience_group,"
        " converted, revenue_minor, currency, occurred_at) VALUES ");
    for (size_t i = begin; i < end; ++i) {
      const OutcomeRow& outcome = outcomes[i];
      insert.Row()
          .Str(tenant_id)
          .Str(outcome.campaign_id)
          .Str(outcome.idempotency_key)
          .Str(outcome.client_id)
          .Int(outcome.group)
          .Int(outcome.converted ? 1 : 0)
          .Int(outcome.revenue_minor)
          .Str(outcome.currency)
          .Str(FormatSqlDatetime(outcome.occurred_at));
    }
    insert.Execute();  // a key taken: MariaDB's 1062, AlreadyExists from the transaction runner
  }
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
