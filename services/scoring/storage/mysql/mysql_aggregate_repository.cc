#include "services/scoring/storage/mysql/mysql_aggregate_repository.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/db/sql_helpers.h"
#include "common/db/sql_text.h"
#include "common/db/transaction.h"
#include "services/scoring/domain/facts_builder.h"
#include "services/scoring/storage/mysql/mysql_client_range.h"

namespace clienttier::scoring {

namespace {

// Rows per multi-row statement: a read of a few thousand events is one statement, and a
// statement stays far below max_allowed_packet (~150 bytes a row).
constexpr size_t kRowsPerStatement = 5000;

void UpsertPaidDays(sql::Connection& connection, const std::string& tenant_id,
                    const std::vector<PaidDayDelta>& days) {
  for (size_t begin = 0; begin < days.size(); begin += kRowsPerStatement) {
    const size_t end = std::min(days.size(), begin + kRowsPerStatement);
    SqlText upsert(connection);
    upsert.Sql(
        "INSERT INTO client_activity_days (tenant_id, client_id, day, currency, purchases, "
        "sessions, spend_minor) VALUES ");
    for (size_t i = begin; i < end; ++i) {
      const PaidDayDelta& day = days[i];
      upsert.Row()
          .Str(tenant_id)
          .Str(day.client_id)
          .Int(day.day)
          .Str(day.currency)
          .Int(day.purchases)
          .Int(day.sessions)
          .Int(day.spend_minor);
    }
    upsert
        .Sql(
            " ON DUPLICATE KEY UPDATE purchases = purchases + VALUES(purchases), "
            "sessions = sessions + VALUES(sessions), "
            "spend_minor = spend_minor + VALUES(spend_minor)")
        .Execute();
  }
}

// The read's interactions per client and day (migration 008), summed like the running totals
// (so they commute with any other read): what a score as of a past day counts.
void UpsertInteractionDays(sql::Connection& connection, const std::string& tenant_id,
                           const std::vector<InteractionDayDelta>& days) {
  for (size_t begin = 0; begin < days.size(); begin += kRowsPerStatement) {
    const size_t end = std::min(days.size(), begin + kRowsPerStatement);
    SqlText upsert(connection);
    upsert.Sql(
        "INSERT INTO client_interaction_days (tenant_id, client_id, day, logins, "
        "events_attended, content_uses, shares) VALUES ");
    for (size_t i = begin; i < end; ++i) {
      const InteractionDayDelta& day = days[i];
      upsert.Row()
          .Str(tenant_id)
          .Str(day.client_id)
          .Int(day.day)
          .Int(day.logins)
          .Int(day.events_attended)
          .Int(day.content_uses)
          .Int(day.shares);
    }
    upsert
        .Sql(
            " ON DUPLICATE KEY UPDATE logins = logins + VALUES(logins), "
            "events_attended = events_attended + VALUES(events_attended), "
            "content_uses = content_uses + VALUES(content_uses), "
            "shares = shares + VALUES(shares)")
        .Execute();
  }
}

// Erasure: the erased clients' dated rows go (their running totals stay in the erased row,
// which no read returns, as before). The paid days stay, as before: they hold no personal data
// and keep tenant totals consistent.
void DeleteDatedRows(sql::Connection& connection, const std::string& tenant_id,
                     const std::vector<std::string>& client_ids) {
  if (client_ids.empty()) {
    return;
  }
  SqlText interactions(connection);
  interactions.Sql("DELETE FROM client_interaction_days WHERE tenant_id = ")
      .Str(tenant_id)
      .Sql(" AND client_id IN (")
      .StrList(client_ids)
      .Sql(")")
      .Execute();
  SqlText referrals(connection);
  referrals.Sql("DELETE FROM client_referral_dates WHERE tenant_id = ")
      .Str(tenant_id)
      .Sql(" AND referrer_client_id IN (")
      .StrList(client_ids)
      .Sql(")")
      .Execute();
}

SqlText& DayOrNull(SqlText& text, const std::optional<Day>& day) {
  return day ? text.Int(*day) : text.Null();
}

// Creates missing rows and adds the read's activity to existing ones. A NULL day (no activity
// of that kind in the read) keeps the stored day: GREATEST is NULL when either side is, and
// COALESCE then takes the other one.
void UpsertClients(sql::Connection& connection, const std::string& tenant_id,
                   const std::vector<ClientDelta>& clients, UnixMicros now) {
  const std::string updated_at = FormatSqlDatetime(now);
  for (size_t begin = 0; begin < clients.size(); begin += kRowsPerStatement) {
    const size_t end = std::min(clients.size(), begin + kRowsPerStatement);
    SqlText upsert(connection);
    upsert.Sql(
        "INSERT INTO client_aggregates (tenant_id, client_id, last_activity_day, "
        "last_login_day, logins, events_attended, content_uses, shares, erased, updated_at, "
        "acquired_day, acquired_version, acquisition_channel, acquisition_cost_minor, "
        "acquisition_cost_currency, first_activity_day) VALUES ");
    for (size_t i = begin; i < end; ++i) {
      const ClientDelta& client = clients[i];
      upsert.Row().Str(tenant_id).Str(client.client_id);
      DayOrNull(upsert, client.last_activity_day);
      DayOrNull(upsert, client.last_login_day);
      upsert.Int(client.logins)
          .Int(client.events_attended)
          .Int(client.content_uses)
          .Int(client.shares)
          .Int(client.erased ? 1 : 0)
          .Str(updated_at);
      DayOrNull(upsert, client.acquired_day == kNever ? std::nullopt
                                                      : std::optional<Day>(client.acquired_day));
      upsert.Int(client.acquired_version)
          .Str(client.acquisition_channel)
          .Int(client.acquisition_cost_minor)
          .Str(client.acquisition_cost_currency);
      DayOrNull(upsert, client.first_activity_day);
    }
    upsert
        .Sql(
            " ON DUPLICATE KEY UPDATE "
            "last_activity_day = COALESCE(GREATEST(last_activity_day, "
            "VALUES(last_activity_day)), last_activity_day, VALUES(last_activity_day)), "
            "last_login_day = COALESCE(GREATEST(last_login_day, VALUES(last_login_day)), "
            "last_login_day, VALUES(last_login_day)), "
            "first_activity_day = COALESCE(LEAST(first_activity_day, "
            "VALUES(first_activity_day)), first_activity_day, VALUES(first_activity_day)), "
            "logins = logins + VALUES(logins), "
            "events_attended = events_attended + VALUES(events_attended), "
            "content_uses = content_uses + VALUES(content_uses), "
            "shares = shares + VALUES(shares), "
            "erased = GREATEST(erased, VALUES(erased)), "
            // Before acquired_version: MariaDB assigns left to right, with updated values.
            "acquired_day = IF(VALUES(acquired_version) > acquired_version, "
            "VALUES(acquired_day), acquired_day), "
            "acquisition_channel = IF(VALUES(acquired_version) > acquired_version, "
            "VALUES(acquisition_channel), acquisition_channel), "
            "acquisition_cost_minor = IF(VALUES(acquired_version) > acquired_version, "
            "VALUES(acquisition_cost_minor), acquisition_cost_minor), "
            "acquisition_cost_currency = IF(VALUES(acquired_version) > acquired_version, "
            "VALUES(acquisition_cost_currency), acquisition_cost_currency), "
            "acquired_version = GREATEST(acquired_version, VALUES(acquired_version)), "
            "updated_at = VALUES(updated_at)")
        .Execute();
  }
}

ActivityCounters ReadCounters(sql::ResultSet& row) {
  ActivityCounters counters;
  counters.last_activity_day =
      row.isNull("last_activity_day") ? kNever : row.getInt64("last_activity_day");
  counters.last_login_day = row.isNull("last_login_day") ? kNever : row.getInt64("last_login_day");
  counters.acquired_day = row.isNull("acquired_day") ? kNever : row.getInt64("acquired_day");
  counters.first_activity_day =
      row.isNull("first_activity_day") ? kNever : row.getInt64("first_activity_day");
  counters.acquisition_channel = row.getString("acquisition_channel");
  counters.acquisition_cost_minor = row.getInt64("acquisition_cost_minor");
  counters.acquisition_cost_currency = row.getString("acquisition_cost_currency");
  counters.events_attended = row.getInt64("events_attended");
  counters.content_uses = row.getInt64("content_uses");
  counters.shares = row.getInt64("shares");
  counters.referrals_sent = row.getInt64("referrals_sent");
  counters.referrals_converted = row.getInt64("referrals_converted");
  return counters;
}

// The columns of client_aggregates a batch reads, in the order ReadCountersAt takes them (by
// position: a column looked up by name costs a name comparison per column per row, which a
// million-client read notices).
constexpr char kCounterColumns[] =
    "client_id, last_activity_day, last_login_day, acquired_day, first_activity_day, "
    "acquisition_channel, acquisition_cost_minor, acquisition_cost_currency, events_attended, "
    "content_uses, shares, referrals_sent, referrals_converted";

Day DayAt(sql::ResultSet& row, uint32_t column) {
  return row.isNull(column) ? kNever : row.getInt64(column);
}

ActivityCounters ReadCountersAt(sql::ResultSet& row) {
  ActivityCounters counters;
  counters.last_activity_day = DayAt(row, 2);
  counters.last_login_day = DayAt(row, 3);
  counters.acquired_day = DayAt(row, 4);
  counters.first_activity_day = DayAt(row, 5);
  counters.acquisition_channel = row.getString(6);
  counters.acquisition_cost_minor = row.getInt64(7);
  counters.acquisition_cost_currency = row.getString(8);
  counters.events_attended = row.getInt64(9);
  counters.content_uses = row.getInt64(10);
  counters.shares = row.getInt64(11);
  counters.referrals_sent = row.getInt64(12);
  counters.referrals_converted = row.getInt64(13);
  return counters;
}

// The columns of client_activity_days ReadPaidDayAt takes, client_id first.
constexpr char kPaidDayColumns[] = "client_id, day, currency, purchases, sessions, spend_minor";

PaidDay ReadPaidDayAt(sql::ResultSet& row) {
  PaidDay day;
  day.day = row.getInt64(2);
  day.currency = row.getString(3);
  day.purchases = row.getInt64(4);
  day.sessions = row.getInt64(5);
  day.spend_minor = row.getInt64(6);
  return day;
}

// The clients of a batch read (LoadFactsRange, LoadFactsPage): their aggregates from a statement
// selecting kCounterColumns, in the statement's order, then their paid days from a second one.
// An index range holds each client's paid days together, so they are kept in one vector, each
// client's a run of it: a page of 5,000 clients makes a handful of allocations, not one or
// more per client. Rows of a client that come apart from its run (another access path) are
// kept aside and still counted.
class FactsReader {
 public:
  explicit FactsReader(sql::PreparedStatement& clients) {
    auto rows = Query(clients);
    // The result is buffered (the driver's default, scrollable), so its size is known: growing
    // the vectors row by row moved them ~13 times a page (perf: ~5% of a cohort report's CPU).
    client_ids_.reserve(rows->rowsCount());
    counters_.reserve(rows->rowsCount());
    while (rows->next()) {
      client_ids_.push_back(rows->getString(1));
      counters_.push_back(ReadCountersAt(*rows));
    }
    runs_.resize(client_ids_.size());
  }

  const std::vector<std::string>& client_ids() const { return client_ids_; }

  // Adds the paid days (kPaidDayColumns) of the result to their clients; days of other clients
  // (an erased one's) are skipped.
  void AddPaidDays(sql::ResultSet& rows) {
    days_.reserve(days_.size() + rows.rowsCount());
    size_t current = 0;  // rows come in client order: usually this client or the next
    bool known = false;
    while (rows.next()) {
      const std::string client_id = rows.getString(1);
      if (!known || client_ids_[current] != client_id) {
        const std::optional<size_t> found = PositionOf(client_id, known ? current + 1 : 0);
        if (!found) {
          known = false;
          continue;
        }
        current = *found;
        known = true;
      }
      Run& run = runs_[current];
      if (run.count > 0 && run.begin + run.count != days_.size()) {
        apart_[current].push_back(ReadPaidDayAt(rows));
        continue;
      }
      if (run.count == 0) {
        run.begin = days_.size();
      }
      days_.push_back(ReadPaidDayAt(rows));
      ++run.count;
    }
  }

  // Each client's facts with its paid-day rows (its run, then any rows apart from it).
  std::vector<ClientHistory> Histories(const SpendConversion& conversion, Day as_of) const {
    std::vector<ClientHistory> histories(client_ids_.size());
    for (size_t i = 0; i < client_ids_.size(); ++i) {
      ClientHistory& history = histories[i];
      const Run& run = runs_[i];
      history.paid_days.assign(days_.begin() + static_cast<std::ptrdiff_t>(run.begin),
                               days_.begin() + static_cast<std::ptrdiff_t>(run.begin + run.count));
      const auto apart = apart_.find(i);
      if (apart != apart_.end()) {
        history.paid_days.insert(history.paid_days.end(), apart->second.begin(),
                                 apart->second.end());
      }
      history.facts =
          BuildClientFacts(client_ids_[i], history.paid_days, counters_[i], conversion, as_of);
    }
    return histories;
  }

  std::vector<ClientFacts> Facts(const SpendConversion& conversion, Day as_of) const {
    std::vector<ClientFacts> facts;
    facts.reserve(client_ids_.size());
    for (size_t i = 0; i < client_ids_.size(); ++i) {
      const Run& run = runs_[i];
      const auto apart = apart_.find(i);
      if (apart == apart_.end()) {
        facts.push_back(BuildClientFacts(client_ids_[i], days_.data() + run.begin, run.count,
                                         counters_[i], conversion, as_of));
      } else {
        std::vector<PaidDay> days(
            days_.begin() + static_cast<std::ptrdiff_t>(run.begin),
            days_.begin() + static_cast<std::ptrdiff_t>(run.begin + run.count));
        days.insert(days.end(), apart->second.begin(), apart->second.end());
        facts.push_back(BuildClientFacts(client_ids_[i], days, counters_[i], conversion, as_of));
      }
    }
    return facts;
  }

 private:
  struct Run {
    size_t begin = 0;
    size_t count = 0;
  };

  // The client's position: `next` when it is that one, else looked up by value (the primary
  // key's order is the collation's, PAD SPACE, not std::string's, so ids are never compared by
  // order).
  std::optional<size_t> PositionOf(const std::string& client_id, size_t next) {
    if (next < client_ids_.size() && client_ids_[next] == client_id) {
      return next;
    }
    if (position_.empty()) {
      position_.reserve(client_ids_.size());
      for (size_t i = 0; i < client_ids_.size(); ++i) {
        position_.emplace(client_ids_[i], i);
      }
    }
    const auto found = position_.find(client_id);
    if (found == position_.end()) {
      return std::nullopt;
    }
    return found->second;
  }

  std::vector<std::string> client_ids_;
  std::vector<ActivityCounters> counters_;
  std::vector<PaidDay> days_;
  std::vector<Run> runs_;                                  // per client, into days_
  std::map<size_t, std::vector<PaidDay>> apart_;           // per client, rows outside its run
  std::unordered_map<std::string_view, size_t> position_;  // built on the first lookup
};

// The aggregates and paid days of the known, not erased clients of `range`, each read as one
// range of its table's key (or shard index, when the range names buckets).
FactsReader ReadRange(sql::Connection& connection, const std::string& tenant_id,
                      const ClientRange& range) {
  const ClientRangeSql sql(range);
  // A shard's range in its index's order: bucket by bucket, each in client id order.
  auto clients =
      Prepare(connection, std::string("SELECT ") + kCounterColumns + " FROM " +
                              sql.From("client_aggregates", "client_aggregates_by_shard") +
                              " WHERE tenant_id = ?" + sql.Where() + " AND erased = 0 ORDER BY " +
                              (range.buckets.empty() ? "client_id" : "shard_bucket, client_id"));
  sql.Bind(*clients, tenant_id);
  FactsReader reader(*clients);
  if (reader.client_ids().empty()) {
    return reader;
  }
  // The same range of the paid days (those of erased clients are read and skipped).
  auto days_query =
      Prepare(connection, std::string("SELECT ") + kPaidDayColumns + " FROM " +
                              sql.From("client_activity_days", "client_activity_days_by_shard") +
                              " WHERE tenant_id = ?" + sql.Where());
  sql.Bind(*days_query, tenant_id);
  reader.AddPaidDays(*Query(*days_query));
  return reader;
}

}  // namespace

void MySqlAggregateRepository::ApplyMany(Transaction& transaction, const std::string& tenant_id,
                                         const MergedAggregateChanges& changes, UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  // Clients first: every touched client's row is locked before its paid days are written, so
  // two replicas applying reads of the same client queue on that row, and the later one's
  // rescore reads the earlier one's days. The paid-day rows of an erased client stay: they
  // hold no personal data and keep tenant totals consistent.
  UpsertClients(connection, tenant_id, changes.clients, now);
  UpsertPaidDays(connection, tenant_id, changes.paid_days);
  UpsertInteractionDays(connection, tenant_id, changes.interaction_days);
  std::vector<std::string> erased;
  for (const ClientDelta& client : changes.clients) {
    if (client.erased) {
      erased.push_back(client.client_id);
    }
  }
  DeleteDatedRows(connection, tenant_id, erased);
}

std::map<std::string, ClientFacts> MySqlAggregateRepository::LoadFactsFor(
    Transaction& transaction, const std::string& tenant_id,
    const std::vector<std::string>& client_ids, const SpendConversion& conversion, Day as_of) {
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
  // Their paid days, looked up client by client: a join that starts from the list, not
  // `client_id IN (...)`. MariaDB turns an IN list of 1,000 or more into a subquery, and while
  // the table's statistics still describe it as small (it grows from empty during a history
  // import) it chose to scan every paid day of the tenant for each read: a 200,000-client demo
  // examined 21M rows to return 1.2M. STRAIGHT_JOIN keeps the list first whatever the
  // statistics say; the literals take the column's binary collation in the comparison.
  std::map<std::string, std::vector<PaidDay>> days;
  SqlText days_query(connection);
  days_query.Sql("WITH wanted (client_id) AS (VALUES ");
  for (const auto& [client_id, counters] : clients) {
    days_query.Row().Str(client_id);
  }
  days_query
      .Sql(
          ") SELECT STRAIGHT_JOIN d.client_id, d.day, d.currency, d.purchases, d.sessions, "
          "d.spend_minor FROM wanted JOIN client_activity_days d ON d.tenant_id = ")
      .Str(tenant_id)
      .Sql(" AND d.client_id = wanted.client_id");
  for (auto rows = days_query.Query(); rows->next();) {
    days[rows->getString(1)].push_back(ReadPaidDayAt(*rows));
  }
  for (const auto& [client_id, counters] : clients) {
    facts.emplace(client_id,
                  BuildClientFacts(client_id, days[client_id], counters, conversion, as_of));
  }
  return facts;
}

std::vector<ClientFacts> MySqlAggregateRepository::LoadFactsPage(
    Transaction& transaction, const std::string& tenant_id, const SpendConversion& conversion,
    Day as_of, int bucket, const std::string& after_client_id, int limit) {
  // The page's last client first (an index read), then its range.
  ClientRange range;
  if (bucket != kEveryBucket) {
    range.buckets.push_back(bucket);
  }
  range.after_client_id = after_client_id;
  range.last_client_id = PageEnd(transaction, tenant_id, bucket, after_client_id, limit);
  return LoadFactsRange(transaction, tenant_id, conversion, as_of, range);
}

std::optional<std::string> MySqlAggregateRepository::PageEnd(Transaction& transaction,
                                                             const std::string& tenant_id,
                                                             int bucket,
                                                             const std::string& after_client_id,
                                                             int limit) {
  if (limit <= 0) {
    return after_client_id;
  }
  // A bucket's clients through its index (migration 005), in client id order within it.
  auto select = Prepare(
      ConnectionOf(transaction),
      bucket == kEveryBucket
          ? "SELECT client_id FROM client_aggregates WHERE tenant_id = ? AND client_id > ? AND "
            "erased = 0 ORDER BY client_id LIMIT 1 OFFSET ?"
          : "SELECT client_id FROM client_aggregates FORCE INDEX (client_aggregates_by_shard) "
            "WHERE tenant_id = ? AND shard_bucket = ? AND erased = 0 AND client_id > ? "
            "ORDER BY client_id LIMIT 1 OFFSET ?");
  int index = 1;
  select->setString(index++, tenant_id);
  if (bucket != kEveryBucket) {
    select->setInt(index++, bucket);
  }
  select->setString(index++, after_client_id);
  select->setInt(index, limit - 1);
  auto row = Query(*select);
  if (!row->next()) {
    return std::nullopt;
  }
  return std::string(row->getString(1));
}

std::vector<ClientFacts> MySqlAggregateRepository::LoadFactsRange(Transaction& transaction,
                                                                  const std::string& tenant_id,
                                                                  const SpendConversion& conversion,
                                                                  Day as_of,
                                                                  const ClientRange& range) {
  return ReadRange(ConnectionOf(transaction), tenant_id, range).Facts(conversion, as_of);
}

std::vector<std::vector<ClientFacts>> MySqlAggregateRepository::LoadFactsRangeAt(
    Transaction& transaction, const std::string& tenant_id, const SpendConversion& conversion,
    const std::vector<Day>& days, const ClientRange& range) {
  const FactsReader reader = ReadRange(ConnectionOf(transaction), tenant_id, range);
  std::vector<std::vector<ClientFacts>> facts;
  facts.reserve(days.size());
  for (const Day day : days) {
    facts.push_back(reader.Facts(conversion, day));
  }
  return facts;
}

std::vector<ClientHistory> MySqlAggregateRepository::LoadHistoriesRange(
    Transaction& transaction, const std::string& tenant_id, const SpendConversion& conversion,
    Day as_of, const ClientRange& range) {
  return ReadRange(ConnectionOf(transaction), tenant_id, range).Histories(conversion, as_of);
}

std::vector<std::pair<int, int64_t>> MySqlAggregateRepository::ClientsPerBucket(
    Transaction& transaction, const std::string& tenant_id, const std::vector<int>& buckets) {
  std::vector<std::pair<int, int64_t>> counts;
  // Counted in the shard index alone (it holds `erased`), so only the shard's entries are read;
  // kMaxBuckets at a time, so that MariaDB reads each bucket's range.
  for (size_t begin = 0; begin < buckets.size(); begin += ClientRange::kMaxBuckets) {
    const size_t end = std::min(buckets.size(), begin + ClientRange::kMaxBuckets);
    auto count = Prepare(ConnectionOf(transaction),
                         "SELECT shard_bucket, COUNT(*) FROM client_aggregates FORCE INDEX "
                         "(client_aggregates_by_shard) WHERE tenant_id = ? AND shard_bucket IN (" +
                             Placeholders(end - begin) +
                             ") AND erased = 0 GROUP BY shard_bucket ORDER BY shard_bucket");
    int index = 1;
    count->setString(index++, tenant_id);
    for (size_t i = begin; i < end; ++i) {
      count->setInt(index++, buckets[i]);
    }
    for (auto rows = Query(*count); rows->next();) {
      counts.emplace_back(rows->getInt(1), rows->getInt64(2));
    }
  }
  return counts;
}

DatedCountsById MySqlAggregateRepository::LoadDatedCounts(Transaction& transaction,
                                                          const std::string& tenant_id, Day as_of) {
  sql::Connection& connection = ConnectionOf(transaction);
  DatedCountsById counts;
  // Summed in MariaDB: one row per client instead of one per client and day.
  auto interactions = Prepare(
      connection,
      "SELECT client_id, CAST(SUM(logins) AS SIGNED), CAST(SUM(events_attended) AS SIGNED), "
      "CAST(SUM(content_uses) AS SIGNED), CAST(SUM(shares) AS SIGNED) FROM client_interaction_days "
      "WHERE tenant_id = ? AND day <= ? GROUP BY client_id");
  interactions->setString(1, tenant_id);
  interactions->setInt64(2, as_of);
  for (auto rows = Query(*interactions); rows->next();) {
    DatedCounts& client = counts[rows->getString(1)];
    client.logins = rows->getInt64(2);
    client.events_attended = rows->getInt64(3);
    client.content_uses = rows->getInt64(4);
    client.shares = rows->getInt64(5);
  }
  // The rule of AddReferrals: a referral counts as sent once registered or converted by the day.
  auto referrals = Prepare(connection,
                           "SELECT referrer_client_id, COUNT(*), "
                           "CAST(SUM(converted_day IS NOT NULL AND converted_day <= ?) AS SIGNED) "
                           "FROM client_referral_dates WHERE tenant_id = ? AND "
                           "(registered_day <= ? OR converted_day <= ?) "
                           "GROUP BY referrer_client_id");
  referrals->setInt64(1, as_of);
  referrals->setString(2, tenant_id);
  referrals->setInt64(3, as_of);
  referrals->setInt64(4, as_of);
  for (auto rows = Query(*referrals); rows->next();) {
    DatedCounts& client = counts[rows->getString(1)];
    client.referrals_sent = rows->getInt64(2);
    client.referrals_converted = rows->getInt64(3);
  }
  return counts;
}

void MySqlAggregateRepository::RecordReferrals(Transaction& transaction,
                                               const std::string& tenant_id,
                                               const std::vector<DatedReferral>& referrals) {
  if (referrals.empty()) {
    return;
  }
  sql::Connection& connection = ConnectionOf(transaction);
  for (size_t begin = 0; begin < referrals.size(); begin += kRowsPerStatement) {
    const size_t end = std::min(referrals.size(), begin + kRowsPerStatement);
    SqlText upsert(connection);
    upsert.Sql(
        "INSERT INTO client_referral_dates (tenant_id, referral_id, referrer_client_id, "
        "registered_day, converted_day) VALUES ");
    for (size_t i = begin; i < end; ++i) {
      const DatedReferral& referral = referrals[i];
      upsert.Row()
          .Str(tenant_id)
          .Str(referral.referral_id)
          .Str(referral.referrer_client_id)
          .Int(referral.registered_day);
      DayOrNull(upsert, referral.converted_day == kNever
                            ? std::nullopt
                            : std::optional<Day>(referral.converted_day));
    }
    // The earliest day of each kind wins (MergeDatedReferrals); the referrer stays as stored (a
    // merge may have moved it to the survivor since).
    upsert
        .Sql(
            " ON DUPLICATE KEY UPDATE "
            "registered_day = LEAST(registered_day, VALUES(registered_day)), "
            "converted_day = COALESCE(LEAST(converted_day, VALUES(converted_day)), "
            "converted_day, VALUES(converted_day))")
        .Execute();
  }
}

void MySqlAggregateRepository::LockClients(Transaction& transaction, const std::string& tenant_id,
                                           const std::vector<std::string>& client_ids) {
  if (client_ids.empty()) {
    return;
  }
  SqlText select(ConnectionOf(transaction));
  select.Sql("SELECT client_id FROM client_aggregates WHERE tenant_id = ")
      .Str(tenant_id)
      .Sql(" AND client_id IN (")
      .StrList(client_ids)
      .Sql(") ORDER BY client_id FOR UPDATE");
  for (auto rows = select.Query(); rows->next();) {
  }
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
