// MySqlAggregateRepository::MergeClients: a client-profile merge folds the duplicate's
// aggregates into the survivor's (issue 18 part 5).
#include <optional>
#include <string>

#include "common/db/sql_helpers.h"
#include "common/db/transaction.h"
#include "services/scoring/storage/mysql/mysql_aggregate_repository.h"

namespace clienttier::scoring {

namespace {

std::optional<Day> DayOrNone(sql::ResultSet& row, const char* column) {
  return row.isNull(column) ? std::nullopt : std::optional<Day>(row.getInt64(column));
}

}  // namespace

void MySqlAggregateRepository::MergeClients(Transaction& transaction, const std::string& tenant_id,
                                            const std::string& survivor_id,
                                            const std::string& duplicate_id, UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  // The duplicate's aggregates become deltas of the survivor, written by ApplyMany's upserts:
  // the same sums and "later day wins" as any event, and no INSERT ... SELECT over one table.
  MergedAggregateChanges moved;
  ClientDelta& survivor = moved.clients.emplace_back();
  survivor.client_id = survivor_id;
  int64_t referrals_sent = 0;
  int64_t referrals_converted = 0;
  auto counters = Prepare(connection,
                          "SELECT * FROM client_aggregates WHERE tenant_id = ? AND client_id = ?"
                          " AND erased = 0 FOR UPDATE");
  counters->setString(1, tenant_id);
  counters->setString(2, duplicate_id);
  if (auto row = Query(*counters); row->next()) {
    survivor.last_activity_day = DayOrNone(*row, "last_activity_day");
    // The survivor's relationship starts at the earlier of the two; its own acquisition (from
    // its own client events) is kept, as client-profile keeps the survivor's record.
    survivor.first_activity_day = DayOrNone(*row, "first_activity_day");
    survivor.last_login_day = DayOrNone(*row, "last_login_day");
    survivor.logins = row->getInt64("logins");
    survivor.events_attended = row->getInt64("events_attended");
    survivor.content_uses = row->getInt64("content_uses");
    survivor.shares = row->getInt64("shares");
    referrals_sent = row->getInt64("referrals_sent");
    referrals_converted = row->getInt64("referrals_converted");
    auto days = Prepare(connection,
                        "SELECT day, currency, purchases, sessions, spend_minor FROM"
                        " client_activity_days WHERE tenant_id = ? AND client_id = ?"
                        " ORDER BY day, currency");
    days->setString(1, tenant_id);
    days->setString(2, duplicate_id);
    for (auto rows = Query(*days); rows->next();) {
      PaidDayDelta& day = moved.paid_days.emplace_back();
      day.client_id = survivor_id;
      day.day = rows->getInt64(1);
      day.currency = rows->getString(2);
      day.purchases = rows->getInt64(3);
      day.sessions = rows->getInt64(4);
      day.spend_minor = rows->getInt64(5);
    }
    auto interactions = Prepare(connection,
                                "SELECT day, logins, events_attended, content_uses, shares FROM"
                                " client_interaction_days WHERE tenant_id = ? AND client_id = ?"
                                " ORDER BY day");
    interactions->setString(1, tenant_id);
    interactions->setString(2, duplicate_id);
    for (auto rows = Query(*interactions); rows->next();) {
      InteractionDayDelta& day = moved.interaction_days.emplace_back();
      day.client_id = survivor_id;
      day.day = rows->getInt64(1);
      day.logins = rows->getInt64(2);
      day.events_attended = rows->getInt64(3);
      day.content_uses = rows->getInt64(4);
      day.shares = rows->getInt64(5);
    }
  }
  ApplyMany(transaction, tenant_id, moved, now);
  // Referral counts are referral's figures, summed until it reports the survivor's own.
  auto referrals = Prepare(connection,
                           "UPDATE client_aggregates SET referrals_sent = referrals_sent + ?,"
                           " referrals_converted = referrals_converted + ? WHERE tenant_id = ?"
                           " AND client_id = ?");
  referrals->setInt64(1, referrals_sent);
  referrals->setInt64(2, referrals_converted);
  referrals->setString(3, tenant_id);
  referrals->setString(4, survivor_id);
  referrals->executeUpdate();

  // The referrals it sent are the survivor's now, with their dates.
  auto move_referrals = Prepare(connection,
                                "UPDATE client_referral_dates SET referrer_client_id = ? WHERE"
                                " tenant_id = ? AND referrer_client_id = ?");
  move_referrals->setString(1, survivor_id);
  move_referrals->setString(2, tenant_id);
  move_referrals->setString(3, duplicate_id);
  move_referrals->executeUpdate();

  for (const char* dated_table : {"client_activity_days", "client_interaction_days"}) {
    auto drop_days = Prepare(connection, std::string("DELETE FROM ") + dated_table +
                                             " WHERE tenant_id = ? AND client_id = ?");
    drop_days->setString(1, tenant_id);
    drop_days->setString(2, duplicate_id);
    drop_days->executeUpdate();
  }
  // The duplicate stays known as erased, so a late event of it cannot bring back a score.
  auto tombstone = Prepare(
      connection,
      "INSERT INTO client_aggregates (tenant_id, client_id, erased, updated_at) VALUES (?, ?, 1, ?)"
      " ON DUPLICATE KEY UPDATE erased = 1, last_activity_day = NULL, first_activity_day = NULL,"
      " last_login_day = NULL,"
      " logins = 0, events_attended = 0, content_uses = 0, shares = 0, referrals_sent = 0,"
      " referrals_converted = 0, updated_at = VALUES(updated_at)");
  tombstone->setString(1, tenant_id);
  tombstone->setString(2, duplicate_id);
  tombstone->setString(3, FormatSqlDatetime(now));
  tombstone->executeUpdate();
}

}  // namespace clienttier::scoring
