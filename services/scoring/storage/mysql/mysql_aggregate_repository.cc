#include "services/scoring/storage/mysql/mysql_aggregate_repository.h"

#include <map>

#include "common/db/sql_helpers.h"
#include "common/db/sql_text.h"
#include "common/db/transaction.h"
#include "services/scoring/domain/facts_builder.h"
#include "services/scoring/domain/shard.h"

namespace clienttier::scoring {

namespace {

void EnsureClient(sql::Connection& connection, const std::string& tenant_id,
                  const std::string& client_id, UnixMicros now) {
  SqlText insert(connection);
  insert.Sql("INSERT IGNORE INTO client_aggregates (tenant_id, client_id, updated_at) VALUES ")
      .Row()
      .Str(tenant_id)
      .Str(client_id)
      .Str(FormatSqlDatetime(now))
      .Execute();
}

void TouchActivity(sql::Connection& connection, const std::string& tenant_id,
                   const std::string& client_id, Day day, const char* counter, bool login,
                   UnixMicros now) {
  EnsureClient(connection, tenant_id, client_id, now);
  SqlText update(connection);
  update
      .Sql("UPDATE client_aggregates SET last_activity_day = GREATEST(COALESCE(last_activity_day, ")
      .Int(day)
      .Sql("), ")
      .Int(day)
      .Sql("), updated_at = ")
      .Str(FormatSqlDatetime(now));
  if (counter != nullptr) {
    update.Sql(std::string(", ") + counter + " = " + counter + " + 1");
  }
  if (login) {
    update.Sql(", last_login_day = GREATEST(COALESCE(last_login_day, ")
        .Int(day)
        .Sql("), ")
        .Int(day)
        .Sql(")");
  }
  update.Sql(" WHERE tenant_id = ").Str(tenant_id).Sql(" AND client_id = ").Str(client_id);
  update.Execute();
}

// The column an interaction counter is kept in.
const char* CounterColumn(ActivityCounter counter) {
  switch (counter) {
    case ActivityCounter::kLogins:
      return "logins";
    case ActivityCounter::kEventsAttended:
      return "events_attended";
    case ActivityCounter::kContentUses:
      return "content_uses";
    case ActivityCounter::kShares:
      return "shares";
    case ActivityCounter::kNone:
      break;
  }
  return nullptr;
}

void ApplyPaidOccasion(sql::Connection& connection, const std::string& tenant_id,
                       const AggregateChange& change, UnixMicros now) {
  SqlText upsert(connection);
  upsert
      .Sql(
          "INSERT INTO client_activity_days (tenant_id, client_id, day, currency, purchases, "
          "sessions, spend_minor) VALUES ")
      .Row()
      .Str(tenant_id)
      .Str(change.client_id)
      .Int(change.day)
      .Str(change.currency)
      .Int(change.purchases)
      .Int(change.sessions)
      .Int(change.spend_minor)
      .Sql(
          " ON DUPLICATE KEY UPDATE purchases = purchases + VALUES(purchases), "
          "sessions = sessions + VALUES(sessions), spend_minor = spend_minor + VALUES(spend_minor)")
      .Execute();
  TouchActivity(connection, tenant_id, change.client_id, change.day, nullptr, false, now);
}

void ApplyErasure(sql::Connection& connection, const std::string& tenant_id,
                  const std::string& client_id, UnixMicros now) {
  EnsureClient(connection, tenant_id, client_id, now);
  // The paid-day rows stay: they hold no personal data and keep tenant totals consistent.
  auto update = Prepare(connection,
                        "UPDATE client_aggregates SET erased = 1, updated_at = ? "
                        "WHERE tenant_id = ? AND client_id = ?");
  update->setString(1, FormatSqlDatetime(now));
  update->setString(2, tenant_id);
  update->setString(3, client_id);
  update->executeUpdate();
}

ActivityCounters ReadCounters(sql::ResultSet& row) {
  ActivityCounters counters;
  counters.last_activity_day =
      row.isNull("last_activity_day") ? kNever : row.getInt64("last_activity_day");
  counters.last_login_day = row.isNull("last_login_day") ? kNever : row.getInt64("last_login_day");
  counters.events_attended = row.getInt64("events_attended");
  counters.content_uses = row.getInt64("content_uses");
  counters.shares = row.getInt64("shares");
  counters.referrals_sent = row.getInt64("referrals_sent");
  counters.referrals_converted = row.getInt64("referrals_converted");
  return counters;
}

PaidDay ReadPaidDay(sql::ResultSet& row) {
  PaidDay day;
  day.day = row.getInt64("day");
  day.currency = row.getString("currency");
  day.purchases = row.getInt64("purchases");
  day.sessions = row.getInt64("sessions");
  day.spend_minor = row.getInt64("spend_minor");
  return day;
}

}  // namespace

void MySqlAggregateRepository::Apply(Transaction& transaction, const std::string& tenant_id,
                                     const AggregateChange& change, UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  switch (change.kind) {
    case AggregateChange::Kind::kClientKnown:
      EnsureClient(connection, tenant_id, change.client_id, now);
      return;
    case AggregateChange::Kind::kPaidOccasion:
      ApplyPaidOccasion(connection, tenant_id, change, now);
      return;
    case AggregateChange::Kind::kActivity:
      TouchActivity(connection, tenant_id, change.client_id, change.day,
                    CounterColumn(change.counter), change.login, now);
      return;
    case AggregateChange::Kind::kErased:
      ApplyErasure(connection, tenant_id, change.client_id, now);
      return;
    case AggregateChange::Kind::kNone:
      return;
  }
}

std::map<std::string, ClientFacts> MySqlAggregateRepository::LoadFactsFor(
    Transaction& transaction, const std::string& tenant_id,
    const std::vector<std::string>& client_ids, const std::string& currency, Day as_of) {
  sql::Connection& connection = ConnectionOf(transaction);
  std::map<std::string, ClientFacts> facts;
  if (client_ids.empty()) {
    return facts;
  }
  std::map<std::string, ActivityCounters> clients;
  SqlText select(connection);
  select.Sql("SELECT * FROM client_aggregates WHERE tenant_id = ")
      .Str(tenant_id)
      .Sql(" AND client_id IN (")
      .StrList(client_ids)
      .Sql(") AND erased = 0");
  for (auto rows = select.Query(); rows->next();) {
    clients.emplace(rows->getString("client_id"), ReadCounters(*rows));
  }
  if (clients.empty()) {
    return facts;
  }
  std::map<std::string, std::vector<PaidDay>> days;
  SqlText days_query(connection);
  days_query
      .Sql(
          "SELECT client_id, day, currency, purchases, sessions, spend_minor FROM "
          "client_activity_days WHERE tenant_id = ")
      .Str(tenant_id)
      .Sql(" AND client_id IN (");
  for (const auto& [client_id, counters] : clients) {
    days_query.Str(client_id);
  }
  for (auto rows = days_query.Sql(")").Query(); rows->next();) {
    days[rows->getString("client_id")].push_back(ReadPaidDay(*rows));
  }
  for (const auto& [client_id, counters] : clients) {
    facts.emplace(client_id,
                  BuildClientFacts(client_id, days[client_id], counters, currency, as_of));
  }
  return facts;
}

std::vector<ClientFacts> MySqlAggregateRepository::LoadAllFacts(Transaction& transaction,
                                                                const std::string& tenant_id,
                                                                const std::string& currency,
                                                                Day as_of, int shard_index,
                                                                int shard_count) {
  sql::Connection& connection = ConnectionOf(transaction);
  const bool sharded = shard_count > 1;
  std::map<std::string, ActivityCounters> clients;
  auto select = Prepare(connection,
                        "SELECT * FROM client_aggregates WHERE tenant_id = ? AND erased = 0 "
                        "ORDER BY client_id");
  select->setString(1, tenant_id);
  for (auto rows = Query(*select); rows->next();) {
    std::string client_id = rows->getString("client_id");
    if (sharded && ShardOf(client_id, shard_count) != shard_index) {
      continue;
    }
    clients.emplace(std::move(client_id), ReadCounters(*rows));
  }
  std::map<std::string, std::vector<PaidDay>> days;
  auto days_query = Prepare(connection,
                            "SELECT client_id, day, currency, purchases, sessions, spend_minor "
                            "FROM client_activity_days WHERE tenant_id = ?");
  days_query->setString(1, tenant_id);
  for (auto rows = Query(*days_query); rows->next();) {
    std::string client_id = rows->getString("client_id");
    if (clients.count(client_id) != 0) {
      days[client_id].push_back(ReadPaidDay(*rows));
    }
  }
  std::vector<ClientFacts> facts;
  facts.reserve(clients.size());
  static const std::vector<PaidDay> kNoDays;
  for (const auto& [client_id, counters] : clients) {
    const auto found = days.find(client_id);
    facts.push_back(BuildClientFacts(client_id, found == days.end() ? kNoDays : found->second,
                                     counters, currency, as_of));
  }
  return facts;
}

void MySqlAggregateRepository::StoreReferralCounts(Transaction& transaction,
                                                   const std::string& tenant_id,
                                                   const std::vector<ClientFacts>& clients) {
  sql::Connection& connection = ConnectionOf(transaction);
  if (clients.empty()) {
    return;
  }
  auto update = Prepare(connection,
                        "UPDATE client_aggregates SET referrals_sent = ?, referrals_converted = ? "
                        "WHERE tenant_id = ? AND client_id = ?");
  for (const ClientFacts& client : clients) {
    update->setInt64(1, client.referrals_sent);
    update->setInt64(2, client.referrals_converted);
    update->setString(3, tenant_id);
    update->setString(4, client.client_id);
    update->executeUpdate();
  }
}

}  // namespace clienttier::scoring
