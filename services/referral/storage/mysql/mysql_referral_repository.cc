#include "services/referral/storage/mysql/mysql_referral_repository.h"

#include <algorithm>
#include <optional>

#include "common/db/sql_helpers.h"
#include "common/db/sql_text.h"

namespace clienttier::referral {

namespace {

constexpr char kReferralColumns[] =
    "referral_id, code, referrer_id, referee_id, status, registered_at, converted_at, "
    "conversion_transaction_id, first_purchase_minor, first_purchase_at, currency, "
    "referred_revenue_minor";

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
    if (!row.isNull("first_purchase_at")) {
      *referral.mutable_first_purchase_at() =
          ToProtoTimestamp(ParseSqlDatetime(row.getString("first_purchase_at")));
    }
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

void MySqlReferralRepository::LockClients(Transaction& transaction, const std::string& tenant_id,
                                          std::vector<std::string> client_ids) {
  sql::Connection& connection = ConnectionOf(transaction);
  std::sort(client_ids.begin(), client_ids.end());
  client_ids.erase(std::unique(client_ids.begin(), client_ids.end()), client_ids.end());
  // The upsert takes the row's exclusive lock whether it inserts or not.
  SqlText upsert(connection);
  upsert.Sql("INSERT INTO referral_clients (tenant_id, client_id) VALUES ");
  for (const std::string& client_id : client_ids) {
    upsert.Row().Str(tenant_id).Str(client_id);
  }
  upsert.Sql(" ON DUPLICATE KEY UPDATE client_id = client_id").Execute();
}

std::optional<v1::Referral> MySqlReferralRepository::FindByReferee(Transaction& transaction,
                                                                   const std::string& tenant_id,
                                                                   const std::string& referee_id) {
  auto found = FindByReferees(transaction, tenant_id, {referee_id}, /*for_update=*/false);
  if (found.empty()) {
    return std::nullopt;
  }
  return std::move(found.begin()->second);
}

std::map<std::string, v1::Referral> MySqlReferralRepository::FindByReferees(
    Transaction& transaction, const std::string& tenant_id, const std::vector<std::string>& ids,
    bool for_update) {
  sql::Connection& connection = ConnectionOf(transaction);
  std::map<std::string, v1::Referral> found;
  if (ids.empty()) {
    return found;
  }
  SqlText select(connection);
  select.Sql(std::string("SELECT ") + kReferralColumns + " FROM referrals WHERE tenant_id = ")
      .Str(tenant_id)
      .Sql(" AND referee_id IN (")
      .StrList(ids)
      .Sql(for_update ? ") FOR UPDATE" : ")");
  auto rows = select.Query();
  while (rows->next()) {
    v1::Referral referral = ReadReferral(*rows);
    std::string referee = referral.referee_client_id();
    found.emplace(std::move(referee), std::move(referral));
  }
  return found;
}

std::map<std::string, std::string> MySqlReferralRepository::ReferrersOf(
    Transaction& transaction, const std::string& tenant_id,
    const std::vector<std::string>& client_ids) {
  sql::Connection& connection = ConnectionOf(transaction);
  std::map<std::string, std::string> referrers;
  if (client_ids.empty()) {
    return referrers;
  }
  SqlText select(connection);
  select.Sql("SELECT referee_id, referrer_id FROM referrals WHERE tenant_id = ")
      .Str(tenant_id)
      .Sql(" AND referee_id IN (")
      .StrList(client_ids)
      .Sql(")");
  auto rows = select.Query();
  while (rows->next()) {
    referrers.emplace(rows->getString(1), rows->getString(2));
  }
  return referrers;
}

namespace {

std::map<std::string, RegistrationCounts> LockedRegistrationCounts(
    sql::Connection& connection, const std::string& tenant_id,
    const std::vector<std::string>& client_ids, int64_t day) {
  std::map<std::string, RegistrationCounts> counts;
  SqlText select(connection);
  select.Sql("SELECT client_id, first_paid_at IS NOT NULL, IF(registered_day = ")
      .Int(day)
      .Sql(", registered_that_day, 0) FROM referral_clients WHERE tenant_id = ")
      .Str(tenant_id)
      .Sql(" AND client_id IN (")
      .StrList(client_ids)
      .Sql(") FOR UPDATE");
  auto rows = select.Query();
  while (rows->next()) {
    counts[rows->getString(1)] = RegistrationCounts{rows->getInt(2) != 0, rows->getInt64(3)};
  }
  return counts;
}

}  // namespace

std::map<std::string, RegistrationCounts> MySqlReferralRepository::LockForRegistration(
    Transaction& transaction, const std::string& tenant_id,
    const std::vector<std::string>& client_ids, int64_t day) {
  sql::Connection& connection = ConnectionOf(transaction);
  if (client_ids.empty()) {
    return {};
  }
  std::map<std::string, RegistrationCounts> counts =
      LockedRegistrationCounts(connection, tenant_id, client_ids, day);
  std::vector<std::string> missing;
  for (const std::string& client_id : client_ids) {
    if (counts.count(client_id) == 0) {
      missing.push_back(client_id);
    }
  }
  if (missing.empty()) {
    return counts;
  }
  std::sort(missing.begin(), missing.end());
  missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
  // The upsert locks each row whether it inserts it or finds it. It reports 1 per row
  // inserted and 0 per row found unchanged, so fewer than `missing` means another transaction
  // created some meanwhile: read those again, now locked.
  SqlText upsert(connection);
  upsert.Sql("INSERT INTO referral_clients (tenant_id, client_id) VALUES ");
  for (const std::string& client_id : missing) {
    upsert.Row().Str(tenant_id).Str(client_id);
  }
  const int inserted = upsert.Sql(" ON DUPLICATE KEY UPDATE client_id = client_id").Execute();
  if (inserted == static_cast<int>(missing.size())) {
    for (const std::string& client_id : missing) {
      counts[client_id] = RegistrationCounts{};
    }
    return counts;
  }
  for (auto& [client_id, row] : LockedRegistrationCounts(connection, tenant_id, missing, day)) {
    counts[client_id] = row;
  }
  return counts;
}

void MySqlReferralRepository::InsertReferrals(Transaction& transaction,
                                              const std::string& tenant_id,
                                              const std::vector<v1::Referral>& referrals,
                                              int64_t registered_day) {
  sql::Connection& connection = ConnectionOf(transaction);
  if (referrals.empty()) {
    return;
  }
  SqlText insert(connection);
  insert.Sql(
      "INSERT INTO referrals (tenant_id, referee_id, referral_id, code, referrer_id, "
      "status, registered_at, registered_day) VALUES ");
  for (const v1::Referral& referral : referrals) {
    insert.Row()
        .Str(tenant_id)
        .Str(referral.referee_client_id())
        .Str(referral.referral_id())
        .Str(referral.code())
        .Str(referral.referrer_client_id())
        .Int(v1::REFERRAL_STATUS_REGISTERED)
        .Str(FormatSqlDatetime(FromProtoTimestamp(referral.registered_at())))
        .Int(registered_day);
  }
  insert.Execute();
}

void MySqlReferralRepository::SaveConversions(Transaction& transaction,
                                              const std::string& tenant_id,
                                              const std::vector<v1::Referral>& referrals) {
  sql::Connection& connection = ConnectionOf(transaction);
  if (referrals.empty()) {
    return;
  }
  // Every row exists and is locked by the caller, so the upsert only ever updates.
  SqlText upsert(connection);
  upsert.Sql(
      "INSERT INTO referrals (tenant_id, referee_id, referral_id, code, referrer_id, "
      "status, registered_at, registered_day, converted_at, conversion_transaction_id, "
      "first_purchase_minor, first_purchase_at, currency, referred_revenue_minor) VALUES ");
  for (const v1::Referral& referral : referrals) {
    const UnixMicros registered_at = FromProtoTimestamp(referral.registered_at());
    upsert.Row()
        .Str(tenant_id)
        .Str(referral.referee_client_id())
        .Str(referral.referral_id())
        .Str(referral.code())
        .Str(referral.referrer_client_id())
        .Int(referral.status())
        .Str(FormatSqlDatetime(registered_at))
        .Int(registered_at / kMicrosPerDay)
        .Str(FormatSqlDatetime(FromProtoTimestamp(referral.converted_at())))
        .Str(referral.conversion_transaction_id())
        .Int(referral.first_purchase().units());
    if (referral.has_first_purchase_at()) {
      upsert.Str(FormatSqlDatetime(FromProtoTimestamp(referral.first_purchase_at())));
    } else {
      upsert.Null();
    }
    upsert.Str(referral.first_purchase().currency()).Int(referral.referred_revenue().units());
  }
  upsert
      .Sql(
          " ON DUPLICATE KEY UPDATE status = VALUES(status), "
          "converted_at = VALUES(converted_at), "
          "conversion_transaction_id = VALUES(conversion_transaction_id), "
          "first_purchase_minor = VALUES(first_purchase_minor), "
          "first_purchase_at = VALUES(first_purchase_at), currency = VALUES(currency), "
          "referred_revenue_minor = VALUES(referred_revenue_minor)")
      .Execute();
}

void MySqlReferralRepository::AddRegistrations(Transaction& transaction,
                                               const std::string& tenant_id,
                                               const std::map<std::string, int64_t>& registered,
                                               int64_t day) {
  sql::Connection& connection = ConnectionOf(transaction);
  if (registered.empty()) {
    return;
  }
  // Assignments apply left to right: the day's count is settled before the day moves on.
  SqlText upsert(connection);
  upsert.Sql(
      "INSERT INTO referral_clients (tenant_id, client_id, registered, registered_day, "
      "registered_that_day) VALUES ");
  for (const auto& [client_id, count] : registered) {
    upsert.Row().Str(tenant_id).Str(client_id).Int(count).Int(day).Int(count);
  }
  upsert
      .Sql(
          " ON DUPLICATE KEY UPDATE "
          "registered_that_day = IF(registered_day <=> VALUES(registered_day), "
          "registered_that_day + VALUES(registered_that_day), VALUES(registered_that_day)), "
          "registered_day = VALUES(registered_day), "
          "registered = registered + VALUES(registered)")
      .Execute();
}

void MySqlReferralRepository::AddReferrerCounts(Transaction& transaction,
                                                const std::string& tenant_id,
                                                const std::map<std::string, CountsDelta>& deltas) {
  sql::Connection& connection = ConnectionOf(transaction);
  if (deltas.empty()) {
    return;
  }
  SqlText upsert(connection);
  upsert.Sql(
      "INSERT INTO referral_clients (tenant_id, client_id, converted, "
      "referred_revenue_minor) VALUES ");
  for (const auto& [client_id, delta] : deltas) {
    upsert.Row()
        .Str(tenant_id)
        .Str(client_id)
        .Int(delta.converted)
        .Int(delta.referred_revenue_minor);
  }
  upsert
      .Sql(
          " ON DUPLICATE KEY UPDATE converted = converted + VALUES(converted), "
          "referred_revenue_minor = referred_revenue_minor + VALUES(referred_revenue_minor)")
      .Execute();
}

void MySqlReferralRepository::MarkPaid(Transaction& transaction, const std::string& tenant_id,
                                       const std::map<std::string, UnixMicros>& first_paid_at,
                                       const std::vector<std::string>& also_lock) {
  sql::Connection& connection = ConnectionOf(transaction);
  // One statement, rows in primary-key order: InnoDB locks them in the order it inserts them.
  std::map<std::string, std::optional<UnixMicros>> rows(first_paid_at.begin(), first_paid_at.end());
  for (const std::string& client_id : also_lock) {
    rows.emplace(client_id, std::nullopt);  // a payer keeps its date
  }
  if (rows.empty()) {
    return;
  }
  SqlText upsert(connection);
  upsert.Sql("INSERT INTO referral_clients (tenant_id, client_id, first_paid_at) VALUES ");
  for (const auto& [client_id, paid_at] : rows) {
    upsert.Row().Str(tenant_id).Str(client_id);
    if (paid_at) {
      upsert.Str(FormatSqlDatetime(*paid_at));
    } else {
      upsert.Null();
    }
  }
  upsert
      .Sql(
          " ON DUPLICATE KEY UPDATE first_paid_at = COALESCE(first_paid_at, "
          "VALUES(first_paid_at))")
      .Execute();
}

std::optional<ClientRow> MySqlReferralRepository::FindClient(Transaction& transaction,
                                                             const std::string& tenant_id,
                                                             const std::string& client_id) {
  std::vector<ClientRow> rows = FindClients(transaction, tenant_id, {client_id});
  if (rows.empty()) {
    return std::nullopt;
  }
  return rows.front();
}

std::vector<ClientRow> MySqlReferralRepository::FindClients(
    Transaction& transaction, const std::string& tenant_id,
    const std::vector<std::string>& client_ids) {
  sql::Connection& connection = ConnectionOf(transaction);
  std::vector<ClientRow> clients;
  if (client_ids.empty()) {
    return clients;
  }
  SqlText select(connection);
  select.Sql(std::string("SELECT ") + kClientColumns + " FROM referral_clients WHERE tenant_id = ")
      .Str(tenant_id)
      .Sql(" AND client_id IN (")
      .StrList(client_ids)
      .Sql(")");
  auto rows = select.Query();
  while (rows->next()) {
    clients.push_back(ReadClient(*rows));
  }
  // A client with a code but no row yet (nothing else happened to it) still holds a code.
  return clients;
}

std::vector<ClientRow> MySqlReferralRepository::ReferrersInRange(Transaction& transaction,
                                                                 const std::string& tenant_id,
                                                                 const ClientIdRange& range,
                                                                 int limit) {
  sql::Connection& connection = ConnectionOf(transaction);
  SqlText select(connection);
  // A range of the primary key; the counts filter the rows it reads.
  select.Sql(std::string("SELECT ") + kClientColumns + " FROM referral_clients WHERE tenant_id = ")
      .Str(tenant_id)
      .Sql(" AND client_id > ")
      .Str(range.after_client_id);
  if (range.last_client_id) {
    select.Sql(" AND client_id <= ").Str(*range.last_client_id);
  }
  select.Sql(" AND (invitations_sent > 0 OR registered > 0) ORDER BY client_id LIMIT ").Int(limit);
  auto rows = select.Query();
  std::vector<ClientRow> clients;
  while (rows->next()) {
    clients.push_back(ReadClient(*rows));
  }
  return clients;
}

int64_t MySqlReferralRepository::AddInvitations(Transaction& transaction,
                                                const std::string& tenant_id,
                                                const std::string& client_id, int64_t count) {
  sql::Connection& connection = ConnectionOf(transaction);
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

TenantTotals MySqlReferralRepository::Totals(Transaction& transaction,
                                             const std::string& tenant_id) {
  sql::Connection& connection = ConnectionOf(transaction);
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
  auto codes =
      Prepare(connection, "SELECT COUNT(*) FROM referral_codes WHERE tenant_id = ? AND active = 1");
  codes->setString(1, tenant_id);
  auto code_rows = Query(*codes);
  code_rows->next();
  totals.clients_with_code = code_rows->getInt64(1);
  return totals;
}

std::vector<ClientRow> MySqlReferralRepository::TopReferrers(Transaction& transaction,
                                                             const std::string& tenant_id,
                                                             int limit) {
  sql::Connection& connection = ConnectionOf(transaction);
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
