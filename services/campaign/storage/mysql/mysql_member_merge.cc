// MySqlMemberRepository::MergeInto: a client-profile merge re-keys the duplicate's audience
// placements, contacts and outcomes to the survivor (issue 18 part 5).
#include "common/db/sql_helpers.h"
#include "common/db/transaction.h"
#include "services/campaign/storage/mysql/mysql_member_repository.h"

namespace clienttier::campaign {

namespace {

// Runs `sql` with (survivor, tenant, duplicate) bound in that order.
void Execute(sql::Connection& connection, const std::string& sql, const std::string& tenant_id,
             const std::string& duplicate_id, const std::string& survivor_id) {
  auto statement = Prepare(connection, sql);
  statement->setString(1, survivor_id);
  statement->setString(2, tenant_id);
  statement->setString(3, duplicate_id);
  statement->executeUpdate();
}

void DeleteOf(sql::Connection& connection, const char* table, const std::string& tenant_id,
              const std::string& client_id) {
  auto remove = Prepare(
      connection, std::string("DELETE FROM ") + table + " WHERE tenant_id = ? AND client_id = ?");
  remove->setString(1, tenant_id);
  remove->setString(2, client_id);
  remove->executeUpdate();
}

}  // namespace

void MySqlMemberRepository::MergeInto(Transaction& transaction, const std::string& tenant_id,
                                      const std::string& duplicate_id,
                                      const std::string& survivor_id, int64_t revision,
                                      UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  // IGNORE keeps the survivor's own placement (and group) where both were placed: a person is
  // in a campaign once, and moving it between treatment and holdout would bias the report.
  Execute(connection,
          "INSERT IGNORE INTO audience (tenant_id, campaign_id, client_id, audience_group,"
          " placed_at) SELECT tenant_id, campaign_id, ?, audience_group, placed_at FROM audience"
          " WHERE tenant_id = ? AND client_id = ?",
          tenant_id, duplicate_id, survivor_id);
  DeleteOf(connection, "audience", tenant_id, duplicate_id);
  Execute(connection,
          "INSERT IGNORE INTO contacts (tenant_id, client_id, campaign_id, channel, contacted_at)"
          " SELECT tenant_id, ?, campaign_id, channel, contacted_at FROM contacts"
          " WHERE tenant_id = ? AND client_id = ?",
          tenant_id, duplicate_id, survivor_id);
  DeleteOf(connection, "contacts", tenant_id, duplicate_id);
  Execute(connection, "UPDATE outcomes SET client_id = ? WHERE tenant_id = ? AND client_id = ?",
          tenant_id, duplicate_id, survivor_id);
  MarkErased(transaction, tenant_id, duplicate_id, revision, now);
}

}  // namespace clienttier::campaign
