#include "services/referral/storage/mysql/mysql_client_merge_repository.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/db/sql_helpers.h"
#include "services/referral/domain/merge_rules.h"

namespace clienttier::referral {

namespace {

// Runs `sql` with its string parameters in order; returns the rows changed.
int Execute(sql::Connection& connection, const std::string& sql,
            const std::vector<std::string>& parameters) {
  auto statement = Prepare(connection, sql);
  unsigned index = 1;
  for (const std::string& parameter : parameters) {
    statement->setString(index++, parameter);
  }
  return statement->executeUpdate();
}

// The referrals of the two records as referee, locked, by referee id (what the rules read).
std::map<std::string, v1::Referral> LockRefereeReferrals(sql::Connection& connection,
                                                         const std::string& tenant_id,
                                                         const std::string& survivor_id,
                                                         const std::string& duplicate_id) {
  auto select = Prepare(connection,
                        "SELECT referee_id, referrer_id, status, referral_id FROM referrals"
                        " WHERE tenant_id = ? AND referee_id IN (?, ?) ORDER BY referee_id"
                        " FOR UPDATE");
  select->setString(1, tenant_id);
  select->setString(2, survivor_id);
  select->setString(3, duplicate_id);
  std::map<std::string, v1::Referral> referrals;
  for (auto rows = Query(*select); rows->next();) {
    v1::Referral& referral = referrals[rows->getString(1)];
    referral.set_referee_client_id(rows->getString(1));
    referral.set_referrer_client_id(rows->getString(2));
    referral.set_status(static_cast<v1::ReferralStatus>(rows->getInt(3)));
    referral.set_referral_id(rows->getString(4));
  }
  return referrals;
}

std::optional<v1::Referral> Of(const std::map<std::string, v1::Referral>& referrals,
                               const std::string& referee_id) {
  auto found = referrals.find(referee_id);
  return found == referrals.end() ? std::nullopt : std::optional<v1::Referral>(found->second);
}

bool HasActiveCode(sql::Connection& connection, const std::string& tenant_id,
                   const std::string& client_id) {
  auto select = Prepare(connection,
                        "SELECT 1 FROM referral_codes WHERE tenant_id = ? AND client_id = ? AND"
                        " active = 1 FOR UPDATE");
  select->setString(1, tenant_id);
  select->setString(2, client_id);
  return Query(*select)->next();
}

}  // namespace

MergeReport MySqlClientMergeRepository::MergeClients(Transaction& transaction,
                                                     const std::string& tenant_id,
                                                     const std::string& survivor_id,
                                                     const std::string& duplicate_id,
                                                     UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  MergeReport report;
  // Both clients' rows first, created when missing and locked in id order like LockClients, so
  // a registration or conversion of either waits for the merge.
  Execute(connection,
          "INSERT IGNORE INTO referral_clients (tenant_id, client_id) VALUES (?, ?), (?, ?)",
          {tenant_id, survivor_id, tenant_id, duplicate_id});
  auto lock = Prepare(connection,
                      "SELECT client_id FROM referral_clients WHERE tenant_id = ? AND client_id IN"
                      " (?, ?) ORDER BY client_id FOR UPDATE");
  lock->setString(1, tenant_id);
  lock->setString(2, survivor_id);
  lock->setString(3, duplicate_id);
  for (auto rows = Query(*lock); rows->next();) {
  }

  // As referee: one referral per person.
  const auto referee = LockRefereeReferrals(connection, tenant_id, survivor_id, duplicate_id);
  const KeptReferral kept =
      RefereeReferralToKeep(Of(referee, survivor_id), Of(referee, duplicate_id));
  const std::string dropped_referee =
      kept == KeptReferral::kDuplicates ? survivor_id : duplicate_id;
  report.referee_referral_dropped =
      Execute(connection, "DELETE FROM referrals WHERE tenant_id = ? AND referee_id = ?",
              {tenant_id, dropped_referee}) > 0;
  Execute(connection, "UPDATE referrals SET referee_id = ? WHERE tenant_id = ? AND referee_id = ?",
          {survivor_id, tenant_id, duplicate_id});
  // As referrer.
  Execute(connection,
          "UPDATE referrals SET referrer_id = ? WHERE tenant_id = ? AND referrer_id = ?",
          {survivor_id, tenant_id, duplicate_id});
  // One record referred the other: now a self-referral, which must never earn a reward.
  auto self = Prepare(connection,
                      "SELECT referrer_id, referee_id, status FROM referrals WHERE tenant_id = ?"
                      " AND referee_id = ?");
  self->setString(1, tenant_id);
  self->setString(2, survivor_id);
  if (auto rows = Query(*self); rows->next()) {
    v1::Referral referral;
    referral.set_referrer_client_id(rows->getString(1));
    referral.set_referee_client_id(rows->getString(2));
    referral.set_status(static_cast<v1::ReferralStatus>(rows->getInt(3)));
    if (DropsAfterMerge(referral)) {
      report.self_referral_dropped =
          Execute(connection, "DELETE FROM referrals WHERE tenant_id = ? AND referee_id = ?",
                  {tenant_id, survivor_id}) > 0;
    }
  }

  // Codes: one active code per client; the survivor keeps its own when it has one.
  if (HasActiveCode(connection, tenant_id, survivor_id)) {
    auto revoke = Prepare(connection,
                          "UPDATE referral_codes SET active = NULL, revoked_at = ? WHERE"
                          " tenant_id = ? AND client_id = ? AND active = 1");
    revoke->setString(1, FormatSqlDatetime(now));
    revoke->setString(2, tenant_id);
    revoke->setString(3, duplicate_id);
    report.duplicate_code_revoked = revoke->executeUpdate() > 0;
  }
  Execute(connection,
          "UPDATE referral_codes SET client_id = ? WHERE tenant_id = ? AND client_id = ?",
          {survivor_id, tenant_id, duplicate_id});
  Execute(connection, "UPDATE rewards SET client_id = ? WHERE tenant_id = ? AND client_id = ?",
          {survivor_id, tenant_id, duplicate_id});

  // Counts: invitations add up, the first payment is the earlier one, and the referrer counts
  // are recounted from the referrals now pointing at the survivor (a dropped referral leaves).
  Execute(connection,
          "UPDATE referral_clients s JOIN referral_clients d ON d.tenant_id = s.tenant_id AND"
          " d.client_id = ? SET s.invitations_sent = s.invitations_sent + d.invitations_sent,"
          " s.first_paid_at = LEAST(COALESCE(s.first_paid_at, d.first_paid_at),"
          " COALESCE(d.first_paid_at, s.first_paid_at)) WHERE s.tenant_id = ? AND s.client_id = ?",
          {duplicate_id, tenant_id, survivor_id});
  Execute(connection,
          "UPDATE referral_clients c JOIN (SELECT COUNT(*) AS registered,"
          " COALESCE(SUM(status = 2), 0) AS converted,"
          " COALESCE(SUM(referred_revenue_minor), 0) AS revenue FROM referrals"
          " WHERE tenant_id = ? AND referrer_id = ?) r SET c.registered = r.registered,"
          " c.converted = r.converted, c.referred_revenue_minor = r.revenue"
          " WHERE c.tenant_id = ? AND c.client_id = ?",
          {tenant_id, survivor_id, tenant_id, survivor_id});
  Execute(connection, "DELETE FROM referral_clients WHERE tenant_id = ? AND client_id = ?",
          {tenant_id, duplicate_id});
  return report;
}

}  // namespace clienttier::referral
