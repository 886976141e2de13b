#include "services/referral/storage/referral_store.h"

#include <algorithm>

#include "common/db/sql_helpers.h"

namespace clienttier::referral {

namespace {

constexpr char kReferralColumns[] =
    "referral_id, code, referrer_id, referee_id, status, registered_at, converted_at, "
    "conversion_transaction_id, first_purchase_minor, currency, referred_revenue_minor";

v1::Referral ReadReferral(sql::ResultSet& row) {
  v1::Referral referral;
  referral.set_referral_id(row.getString("referral_id"));
  referral.set_code(row.getString("code"));
  referral.set_referrer_client_id(row.getString("referrer_id"));
  referral.set_referee_client_id(row.getString("referee_id"));
  referral.set_status(static_cast<v1::ReferralStatus>(row.getInt("status")));
  *referral.mutable_registered_at() =
      ToProtoTimestamp(ParseSqlDatetime(row.getString("registered_at")));
  if (!row.isNull("converted_at")) {
    *referral.mutable_converted_at() =
        ToProtoTimestamp(ParseSqlDatetime(row.getString("converted_at")));
    referral.set_conversion_transaction_id(row.getString("conversion_transaction_id"));
    referral.mutable_first_purchase()->set_units(row.getInt64("first_purchase_minor"));
    referral.mutable_first_purchase()->set_currency(row.getString("currency"));
  }
  if (!row.isNull("currency")) {
    referral.mutable_referred_revenue()->set_units(row.getInt64("referred_revenue_minor"));
    referral.mutable_referred_revenue()->set_currency(row.getString("currency"));
  }
  return referral;
}

constexpr char kClientColumns[] =
    "client_id, invitations_sent, registered, converted, referred_revenue_minor, "
    "first_paid_at IS NOT NULL AS has_paid, "
    "EXISTS (SELECT 1 FROM referral_codes c WHERE c.tenant_id = referral_clients.tenant_id "
    "AND c.client_id = referral_clients.client_id AND c.active = 1) AS has_code";

ClientRow ReadClient(sql::ResultSet& row) {
  ClientRow client;
  client.client_id = row.getString("client_id");
  client.counts.invitations_sent = row.getInt64("invitations_sent");
  client.counts.registered = row.getInt64("registered");
  client.counts.converted = row.getInt64("converted");
  client.counts.has_code = row.getInt("has_code") != 0;
  client.referred_revenue_minor = row.getInt64("referred_revenue_minor");
  client.has_paid = row.getInt("has_paid") != 0;
  return client;
}

}  // namespace

void ReferralStore::LockClients(sql::Connection& connection, const std::string& tenant_id,
                                std::vector<std::string> client_ids) {
  std::sort(client_ids.begin(), client_ids.end());
  client_ids.erase(std::unique(client_ids.begin(), client_ids.end()), client_ids.end());
  // The upsert takes the row's exclusive lock whether it inserts or not.
  auto upsert = Prepare(connection,
                        "INSERT INTO referral_clients (tenant_id, client_id) VALUES " +
                            RowPlaceholders(client_ids.size(), 2) +
                            " ON DUPLICATE KEY UPDATE client_id = client_id");
  int index = 1;
  for (const std::string& client_id : client_ids) {
    upsert->setString(index++, tenant_id);
    upsert->setString(index++, client_id);
  }
  upsert->executeUpdate();
}

std::optional<v1::Referral> ReferralStore::FindByReferee(sql::Connection& connection,
                                                         const std::string& tenant_id,
                                                         const std::string& referee_id,
                                                         bool for_update) {
  auto select = Prepare(connection, std::string("SELECT ") + kReferralColumns +
                                        " FROM referrals WHERE tenant_id = ? AND referee_id = ?" +
                                        (for_update ? " FOR UPDATE" : ""));
  select->setString(1, tenant_id);
  select->setString(2, referee_id);
  auto rows = Query(*select);
  if (!rows->next()) {
    return std::nullopt;
  }
  return ReadReferral(*rows);
}

std::vector<std::string> ReferralStore::ReferrerChain(sql::Connection& connection,
                                                      const std::string& tenant_id,
                                                      const std::string& client_id,
                                                      int max_depth) {
  auto select = Prepare(connection,
                        "SELECT referrer_id FROM referrals WHERE tenant_id = ? AND referee_id = ?");
  std::vector<std::string> chain;
  std::string current = client_id;
  for (int depth = 0; depth < max_depth; ++depth) {
    select->setString(1, tenant_id);
    select->setString(2, current);
    auto rows = Query(*select);
    if (!rows->next()) {
      break;
    }
    current = rows->getString(1);
    chain.push_back(current);
  }
  return chain;
}

int64_t ReferralStore::CountRegisteredOnDay(sql::Connection& connection,
                                            const std::string& tenant_id,
                                            const std::string& referrer_id, int64_t day) {
  auto select = Prepare(connection,
                        "SELECT COUNT(*) FROM referrals WHERE tenant_id = ? AND referrer_id = ? "
                        "AND registered_day = ?");
  select->setString(1, tenant_id);
  select->setString(2, referrer_id);
  select->setInt64(3, day);
  auto rows = Query(*select);
  rows->next();
  return rows->getInt64(1);
}

void ReferralStore::Insert(sql::Connection& connection, const std::string& tenant_id,
                           const v1::Referral& referral, int64_t registered_day) {
  auto insert = Prepare(connection,
                        "INSERT INTO referrals (tenant_id, referee_id, referral_id, code, "
                        "referrer_id, status, registered_at, registered_day) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  insert->setString(1, tenant_id);
  insert->setString(2, referral.referee_client_id());
  insert->setString(3, referral.referral_id());
  insert->setString(4, referral.code());
  insert->setString(5, referral.referrer_client_id());
  insert->setInt(6, v1::REFERRAL_STATUS_REGISTERED);
  insert->setString(7, FormatSqlDatetime(FromProtoTimestamp(referral.registered_at())));
  insert->setInt64(8, registered_day);
  insert->executeUpdate();
  auto count = Prepare(connection,
                       "UPDATE referral_clients SET registered = registered + 1 "
                       "WHERE tenant_id = ? AND client_id = ?");
  count->setString(1, tenant_id);
  count->setString(2, referral.referrer_client_id());
  count->executeUpdate();
}

void ReferralStore::MarkConverted(sql::Connection& connection, const std::string& tenant_id,
                                  const v1::Referral& converted) {
  auto update = Prepare(connection,
                        "UPDATE referrals SET status = ?, converted_at = ?, "
                        "conversion_transaction_id = ?, first_purchase_minor = ?, currency = ?, "
                        "referred_revenue_minor = referred_revenue_minor + ? "
                        "WHERE tenant_id = ? AND referee_id = ?");
  const int64_t amount = converted.first_purchase().units();
  update->setInt(1, v1::REFERRAL_STATUS_CONVERTED);
  update->setString(2, FormatSqlDatetime(FromProtoTimestamp(converted.converted_at())));
  update->setString(3, converted.conversion_transaction_id());
  update->setInt64(4, amount);
  update->setString(5, converted.first_purchase().currency());
  update->setInt64(6, amount);
  update->setString(7, tenant_id);
  update->setString(8, converted.referee_client_id());
  update->executeUpdate();
  auto count = Prepare(connection,
                       "UPDATE referral_clients SET converted = converted + 1, "
                       "referred_revenue_minor = referred_revenue_minor + ? "
                       "WHERE tenant_id = ? AND client_id = ?");
  count->setInt64(1, amount);
  count->setString(2, tenant_id);
  count->setString(3, converted.referrer_client_id());
  count->executeUpdate();
}

void ReferralStore::AddReferredRevenue(sql::Connection& connection, const std::string& tenant_id,
                                       const v1::Referral& referral, int64_t amount_minor) {
  auto update = Prepare(connection,
                        "UPDATE referrals SET referred_revenue_minor = referred_revenue_minor + ? "
                        "WHERE tenant_id = ? AND referee_id = ?");
  update->setInt64(1, amount_minor);
  update->setString(2, tenant_id);
  update->setString(3, referral.referee_client_id());
  update->executeUpdate();
  auto count = Prepare(connection,
                       "UPDATE referral_clients SET referred_revenue_minor = "
                       "referred_revenue_minor + ? WHERE tenant_id = ? AND client_id = ?");
  count->setInt64(1, amount_minor);
  count->setString(2, tenant_id);
  count->setString(3, referral.referrer_client_id());
  count->executeUpdate();
}

std::optional<ClientRow> ReferralStore::FindClient(sql::Connection& connection,
                                                   const std::string& tenant_id,
                                                   const std::string& client_id) {
  std::vector<ClientRow> rows = FindClients(connection, tenant_id, {client_id});
  if (rows.empty()) {
    return std::nullopt;
  }
  return rows.front();
}

std::vector<ClientRow> ReferralStore::FindClients(sql::Connection& connection,
                                                  const std::string& tenant_id,
                                                  const std::vector<std::string>& client_ids) {
  std::vector<ClientRow> clients;
  if (client_ids.empty()) {
    return clients;
  }
  auto select = Prepare(connection, std::string("SELECT ") + kClientColumns +
                                        " FROM referral_clients WHERE tenant_id = ? AND "
                                        "client_id IN (" +
                                        Placeholders(client_ids.size()) + ")");
  select->setString(1, tenant_id);
  int index = 2;
  for (const std::string& client_id : client_ids) {
    select->setString(index++, client_id);
  }
  auto rows = Query(*select);
  while (rows->next()) {
    clients.push_back(ReadClient(*rows));
  }
  // A client with a code but no row yet (nothing else happened to it) still holds a code.
  return clients;
}

void ReferralStore::MarkPaid(sql::Connection& connection, const std::string& tenant_id,
                             const std::string& client_id, UnixMicros paid_at) {
  auto upsert = Prepare(connection,
                        "INSERT INTO referral_clients (tenant_id, client_id, first_paid_at) "
                        "VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE "
                        "first_paid_at = COALESCE(first_paid_at, VALUES(first_paid_at))");
  upsert->setString(1, tenant_id);
  upsert->setString(2, client_id);
  upsert->setString(3, FormatSqlDatetime(paid_at));
  upsert->executeUpdate();
}

int64_t ReferralStore::AddInvitations(sql::Connection& connection, const std::string& tenant_id,
                                      const std::string& client_id, int64_t count) {
  auto upsert = Prepare(connection,
                        "INSERT INTO referral_clients (tenant_id, client_id, invitations_sent) "
                        "VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE "
                        "invitations_sent = invitations_sent + VALUES(invitations_sent)");
  upsert->setString(1, tenant_id);
  upsert->setString(2, client_id);
  upsert->setInt64(3, count);
  upsert->executeUpdate();
  auto select = Prepare(connection,
                        "SELECT invitations_sent FROM referral_clients "
                        "WHERE tenant_id = ? AND client_id = ?");
  select->setString(1, tenant_id);
  select->setString(2, client_id);
  auto rows = Query(*select);
  rows->next();
  return rows->getInt64(1);
}

TenantTotals ReferralStore::Totals(sql::Connection& connection, const std::string& tenant_id) {
  TenantTotals totals;
  auto select = Prepare(connection,
                        "SELECT COALESCE(SUM(invitations_sent), 0), COALESCE(SUM(registered), 0), "
                        "COALESCE(SUM(converted), 0), COALESCE(SUM(referred_revenue_minor), 0), "
                        "COUNT(first_paid_at) FROM referral_clients WHERE tenant_id = ?");
  select->setString(1, tenant_id);
  auto rows = Query(*select);
  if (rows->next()) {
    totals.invitations_sent = rows->getInt64(1);
    totals.registered = rows->getInt64(2);
    totals.converted = rows->getInt64(3);
    totals.referred_revenue_minor = rows->getInt64(4);
    totals.paying_clients = rows->getInt64(5);
  }
  auto codes = Prepare(connection,
                       "SELECT COUNT(*) FROM referral_codes WHERE tenant_id = ? AND active = 1");
  codes->setString(1, tenant_id);
  auto code_rows = Query(*codes);
  code_rows->next();
  totals.clients_with_code = code_rows->getInt64(1);
  return totals;
}

std::vector<ClientRow> ReferralStore::TopReferrers(sql::Connection& connection,
                                                   const std::string& tenant_id, int limit) {
  auto select = Prepare(connection, std::string("SELECT ") + kClientColumns +
                                        " FROM referral_clients WHERE tenant_id = ? AND "
                                        "registered > 0 ORDER BY converted DESC, "
                                        "referred_revenue_minor DESC, client_id LIMIT ?");
  select->setString(1, tenant_id);
  select->setInt(2, limit);
  auto rows = Query(*select);
  std::vector<ClientRow> clients;
  while (rows->next()) {
    clients.push_back(ReadClient(*rows));
  }
  return clients;
}

}  // namespace clienttier::referral
