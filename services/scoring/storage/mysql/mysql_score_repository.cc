#include "services/scoring/storage/mysql/mysql_score_repository.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "common/db/load_data.h"
#include "common/db/sql_helpers.h"
#include "common/db/sql_text.h"
#include "common/db/transaction.h"
#include "common/errors/domain_error.h"
#include "services/scoring/storage/mysql/mysql_client_range.h"

namespace clienttier::scoring {

namespace {

constexpr char kScoreColumns[] =
    "(tenant_id, client_id, as_of, score, tier, lifecycle, quadrant, rfm_segment, churn_warning, "
    "value_12m_minor, below_since_day, config_version, model_version, population_version, "
    "payload)";
constexpr char kScoreUpdate[] =
    " ON DUPLICATE KEY UPDATE as_of = VALUES(as_of), score = VALUES(score), tier = VALUES(tier), "
    "lifecycle = VALUES(lifecycle), quadrant = VALUES(quadrant), rfm_segment = "
    "VALUES(rfm_segment), churn_warning = VALUES(churn_warning), value_12m_minor = "
    "VALUES(value_12m_minor), below_since_day = VALUES(below_since_day), config_version = "
    "VALUES(config_version), model_version = VALUES(model_version), population_version = "
    "VALUES(population_version), payload = VALUES(payload)";
// Rows per multi-row INSERT: large enough to amortise round trips, small enough to stay well
// under max_allowed_packet with ~1 KB payloads (2 KB as hex).
constexpr size_t kRowsPerStatement = 1000;

v1::Score ParseScore(sql::ResultSet& row) {
  v1::Score score;
  if (!score.ParseFromString(row.getString("payload"))) {
    throw Internal("stored score does not parse");
  }
  return score;
}

StoredScore ReadStoredScore(sql::ResultSet& row) {
  StoredScore stored;
  stored.score = ParseScore(row);
  stored.tier_state.tier = static_cast<Tier>(row.getInt("tier"));
  stored.tier_state.below_since =
      row.isNull("below_since_day") ? kNever : row.getInt64("below_since_day");
  return stored;
}

std::optional<StoredScore> GetScore(sql::Connection& connection, const std::string& tenant_id,
                                    const std::string& client_id) {
  auto select = Prepare(connection,
                        "SELECT tier, below_since_day, payload FROM scores WHERE tenant_id = ? AND "
                        "client_id = ?");
  select->setString(1, tenant_id);
  select->setString(2, client_id);
  auto row = Query(*select);
  if (!row->next()) {
    return std::nullopt;
  }
  return ReadStoredScore(*row);
}

std::map<std::string, PreviousScore> ReadPreviousForUpdate(
    sql::Connection& connection, const std::string& tenant_id,
    const std::vector<std::string>& client_ids) {
  std::map<std::string, PreviousScore> states;
  if (client_ids.empty()) {
    return states;
  }
  SqlText select(connection);
  select
      .Sql("SELECT client_id, tier, below_since_day, churn_warning FROM scores WHERE tenant_id = ")
      .Str(tenant_id)
      .Sql(" AND client_id IN (")
      .StrList(client_ids)
      .Sql(") ORDER BY client_id FOR UPDATE");
  for (auto rows = select.Query(); rows->next();) {
    PreviousScore previous;
    previous.tier_state.tier = static_cast<Tier>(rows->getInt("tier"));
    previous.tier_state.below_since =
        rows->isNull("below_since_day") ? kNever : rows->getInt64("below_since_day");
    previous.churn_warning = rows->getBoolean("churn_warning");
    states.emplace(rows->getString("client_id"), previous);
  }
  return states;
}

// The text of a score's as_of, formatted again only when it changes: every score of a batch
// has the same one, and a batch formats a million rows on the cores that also score them.
class AsOfText {
 public:
  const std::string& Of(const v1::Score& score) {
    const UnixMicros as_of = FromProtoTimestamp(score.as_of());
    if (text_.empty() || as_of != as_of_) {
      as_of_ = as_of;
      text_ = FormatSqlDatetime(as_of);
    }
    return text_;
  }

 private:
  UnixMicros as_of_ = 0;
  std::string text_;
};

// One score's values, the columns of kScoreColumns in their order, as SQL literals or LOAD
// DATA fields. `payload`: a buffer for the serialized score, reused from row to row.
void AddScoreValues(RowValues& row, const std::string& tenant_id, AsOfText& as_of,
                    const StoredScore& stored, std::string& payload) {
  const v1::Score& score = stored.score;
  if (!std::isfinite(score.score())) {
    throw Internal("score of " + score.client_id() + " is not a finite number");
  }
  row.Str(tenant_id)
      .Str(score.client_id())
      .Str(as_of.Of(score))
      .Double(score.score())
      .Int(score.tier())
      .Int(score.lifecycle())
      .Int(score.quadrant())
      .Str(score.rfm().segment())
      .Int(score.churn_warning() ? 1 : 0)
      .Int(score.value_12m().units());
  if (stored.tier_state.below_since == kNever) {
    row.Null();
  } else {
    row.Int(stored.tier_state.below_since);
  }
  row.Int(score.config_version()).Int(score.model_version()).Int(score.population_version());
  score.SerializeToString(&payload);
  row.Bytes(payload);
}

// UpsertMany's path from kLoadDataMinRows rows on (a batch's chunk, an event read's rescore); the
// payload as hex would double its bytes in SQL. REPLACE is the upsert here: every column of the row is the new score's, and MariaDB updates a
// row in place when the duplicate is on the primary key, the table's only unique key (no
// triggers, no foreign keys), as ON DUPLICATE KEY UPDATE does. False (nothing written) when
// LoadRows could not load: the caller then inserts the rows as SQL.
bool LoadScores(sql::Connection& connection, const std::string& tenant_id,
                const std::vector<StoredScore>& stored) {
  LoadDataRows rows;
  rows.Reserve(stored.size() * 400);
  AsOfText as_of;
  std::string payload;
  for (const StoredScore& score : stored) {
    AddScoreValues(rows.Row(), tenant_id, as_of, score, payload);
  }
  return LoadRows(connection, rows, "scores", kScoreColumns, DuplicateRows::kReplace).has_value();
}

std::string InList(const std::vector<int>& values) {
  std::string text;
  for (const int value : values) {
    text += (text.empty() ? "" : ",") + std::to_string(value);  // enum numbers, never input text
  }
  return text;
}

TierOverrideRecord ReadOverride(sql::ResultSet& row) {
  TierOverrideRecord record;
  record.rule.mode = static_cast<OverrideMode>(row.getInt("mode"));
  record.rule.tier = static_cast<Tier>(row.getInt("tier"));
  const UnixMicros expires = ParseSqlDatetime(row.getString("expires_at"));
  record.rule.expires_day = expires / kMicrosPerDay;
  record.proto.set_mode(static_cast<v1::TierOverride::Mode>(row.getInt("mode")));
  record.proto.set_tier(static_cast<v1::Tier>(row.getInt("tier")));
  record.proto.set_reason(row.getString("reason"));
  record.proto.set_author(row.getString("author"));
  *record.proto.mutable_expires_at() = ToProtoTimestamp(expires);
  return record;
}

}  // namespace

std::optional<StoredScore> MySqlScoreRepository::Get(Transaction& transaction,
                                                     const std::string& tenant_id,
                                                     const std::string& client_id) {
  sql::Connection& connection = ConnectionOf(transaction);
  return GetScore(connection, tenant_id, client_id);
}

std::map<std::string, StoredScore> MySqlScoreRepository::GetForUpdateMany(
    Transaction& transaction, const std::string& tenant_id,
    const std::vector<std::string>& client_ids) {
  sql::Connection& connection = ConnectionOf(transaction);
  std::map<std::string, StoredScore> stored;
  if (client_ids.empty()) {
    return stored;
  }
  SqlText select(connection);
  select.Sql("SELECT client_id, tier, below_since_day, payload FROM scores WHERE tenant_id = ")
      .Str(tenant_id)
      .Sql(" AND client_id IN (")
      .StrList(client_ids)
      .Sql(") FOR UPDATE");
  for (auto rows = select.Query(); rows->next();) {
    stored.emplace(rows->getString("client_id"), ReadStoredScore(*rows));
  }
  return stored;
}

void MySqlScoreRepository::UpsertMany(Transaction& transaction, const std::string& tenant_id,
                                      const std::vector<StoredScore>& stored) {
  sql::Connection& connection = ConnectionOf(transaction);
  if (stored.size() >= kLoadDataMinRows && LoadScores(connection, tenant_id, stored)) {
    return;
  }
  for (size_t begin = 0; begin < stored.size(); begin += kRowsPerStatement) {
    const size_t end = std::min(stored.size(), begin + kRowsPerStatement);
    SqlText insert(connection);
    insert.Sql(std::string("INSERT INTO scores ") + kScoreColumns + " VALUES ");
    AsOfText as_of;
    std::string payload;
    for (size_t i = begin; i < end; ++i) {
      AddScoreValues(insert.Row(), tenant_id, as_of, stored[i], payload);
    }
    insert.Sql(kScoreUpdate).Execute();
  }
}

void MySqlScoreRepository::Delete(Transaction& transaction, const std::string& tenant_id,
                                  const std::string& client_id) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto remove = Prepare(connection, "DELETE FROM scores WHERE tenant_id = ? AND client_id = ?");
  remove->setString(1, tenant_id);
  remove->setString(2, client_id);
  remove->executeUpdate();
}

std::vector<std::pair<std::string, PreviousScore>> MySqlScoreRepository::PreviousInRange(
    Transaction& transaction, const std::string& tenant_id, const ClientRange& range) {
  const ClientRangeSql sql(range);
  auto select =
      Prepare(ConnectionOf(transaction),
              "SELECT client_id, tier, below_since_day, churn_warning FROM " +
                  sql.From("scores", "scores_by_shard") + " WHERE tenant_id = ?" + sql.Where());
  sql.Bind(*select, tenant_id);
  std::vector<std::pair<std::string, PreviousScore>> states;
  for (auto rows = Query(*select); rows->next();) {
    PreviousScore previous;
    previous.tier_state.tier = static_cast<Tier>(rows->getInt(2));
    previous.tier_state.below_since = rows->isNull(3) ? kNever : rows->getInt64(3);
    previous.churn_warning = rows->getBoolean(4);
    states.emplace_back(rows->getString(1), previous);
  }
  return states;
}

std::map<std::string, PreviousScore> MySqlScoreRepository::PreviousForUpdate(
    Transaction& transaction, const std::string& tenant_id,
    const std::vector<std::string>& client_ids) {
  return ReadPreviousForUpdate(ConnectionOf(transaction), tenant_id, client_ids);
}

void MySqlScoreRepository::AddTierChanges(Transaction& transaction, const std::string& tenant_id,
                                          const std::vector<v1::TierChange>& changes) {
  sql::Connection& connection = ConnectionOf(transaction);
  for (size_t begin = 0; begin < changes.size(); begin += kRowsPerStatement) {
    const size_t end = std::min(changes.size(), begin + kRowsPerStatement);
    SqlText insert(connection);
    insert.Sql(
        "INSERT INTO tier_history (tenant_id, client_id, from_tier, to_tier, reason, score, "
        "changed_at, config_version, model_version) VALUES ");
    for (size_t i = begin; i < end; ++i) {
      const v1::TierChange& change = changes[i];
      insert.Row()
          .Str(tenant_id)
          .Str(change.client_id())
          .Int(change.from_tier())
          .Int(change.to_tier())
          .Str(change.reason().substr(0, 512))
          .Double(change.score())
          .Str(FormatSqlDatetime(FromProtoTimestamp(change.changed_at())))
          .Int(change.config_version())
          .Int(change.model_version());
    }
    insert.Execute();
  }
}

std::vector<std::pair<int64_t, v1::TierChange>> MySqlScoreRepository::ListTierChanges(
    Transaction& transaction, const std::string& tenant_id, UnixMicros since,
    int64_t after_change_id, const std::string& client_id, int limit) {
  sql::Connection& connection = ConnectionOf(transaction);
  std::string sql =
      "SELECT * FROM tier_history WHERE tenant_id = ? AND changed_at >= ? AND change_id > ?";
  if (!client_id.empty()) {
    sql += " AND client_id = ?";
  }
  sql += " ORDER BY change_id LIMIT ?";
  auto select = Prepare(connection, sql);
  int index = 1;
  select->setString(index++, tenant_id);
  select->setString(index++, FormatSqlDatetime(since));
  select->setInt64(index++, after_change_id);
  if (!client_id.empty()) {
    select->setString(index++, client_id);
  }
  select->setInt(index++, limit);
  std::vector<std::pair<int64_t, v1::TierChange>> changes;
  for (auto rows = Query(*select); rows->next();) {
    v1::TierChange change;
    change.set_client_id(rows->getString("client_id"));
    change.set_from_tier(static_cast<v1::Tier>(rows->getInt("from_tier")));
    change.set_to_tier(static_cast<v1::Tier>(rows->getInt("to_tier")));
    change.set_reason(rows->getString("reason"));
    change.set_score(rows->getDouble("score"));
    *change.mutable_changed_at() =
        ToProtoTimestamp(ParseSqlDatetime(rows->getString("changed_at")));
    change.set_config_version(rows->getInt64("config_version"));
    change.set_model_version(rows->getInt64("model_version"));
    changes.emplace_back(rows->getInt64("change_id"), std::move(change));
  }
  return changes;
}

std::vector<v1::Score> MySqlScoreRepository::ListChurnWarnings(Transaction& transaction,
                                                               const std::string& tenant_id,
                                                               const std::string& after_client_id,
                                                               int limit) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto select = Prepare(connection,
                        "SELECT payload FROM scores WHERE tenant_id = ? AND churn_warning = 1 AND "
                        "client_id > ? ORDER BY client_id LIMIT ?");
  select->setString(1, tenant_id);
  select->setString(2, after_client_id);
  select->setInt(3, limit);
  std::vector<v1::Score> scores;
  for (auto rows = Query(*select); rows->next();) {
    scores.push_back(ParseScore(*rows));
  }
  return scores;
}

void MySqlScoreRepository::Stream(Transaction& transaction, const std::string& tenant_id,
                                  const ScoreFilter& filter, int page_size,
                                  const std::function<bool(v1::Score&&)>& emit) {
  sql::Connection& connection = ConnectionOf(transaction);
  std::string sql = "SELECT client_id, payload FROM scores WHERE tenant_id = ? AND client_id > ?";
  if (!filter.tiers.empty()) {
    sql += " AND tier IN (" + InList(filter.tiers) + ")";
  }
  if (!filter.lifecycles.empty()) {
    sql += " AND lifecycle IN (" + InList(filter.lifecycles) + ")";
  }
  if (!filter.quadrants.empty()) {
    sql += " AND quadrant IN (" + InList(filter.quadrants) + ")";
  }
  sql += " ORDER BY client_id LIMIT ?";
  auto select = Prepare(connection, sql);
  // Keyset pages: each query is short, so a slow reader never holds a long-running snapshot.
  std::string after = filter.after_client_id;
  for (;;) {
    select->setString(1, tenant_id);
    select->setString(2, after);
    select->setInt(3, page_size);
    int rows_seen = 0;
    for (auto rows = Query(*select); rows->next();) {
      ++rows_seen;
      after = rows->getString("client_id");
      if (!emit(ParseScore(*rows))) {
        return;
      }
    }
    if (rows_seen < page_size) {
      return;
    }
  }
}

std::optional<TierOverrideRecord> MySqlScoreRepository::GetOverride(Transaction& transaction,
                                                                    const std::string& tenant_id,
                                                                    const std::string& client_id) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto select =
      Prepare(connection, "SELECT * FROM tier_overrides WHERE tenant_id = ? AND client_id = ?");
  select->setString(1, tenant_id);
  select->setString(2, client_id);
  auto row = Query(*select);
  if (!row->next()) {
    return std::nullopt;
  }
  return ReadOverride(*row);
}

std::map<std::string, TierOverrideRecord> MySqlScoreRepository::OverridesFor(
    Transaction& transaction, const std::string& tenant_id,
    const std::vector<std::string>& client_ids) {
  sql::Connection& connection = ConnectionOf(transaction);
  std::map<std::string, TierOverrideRecord> overrides;
  if (client_ids.empty()) {
    return overrides;
  }
  SqlText select(connection);
  select.Sql("SELECT * FROM tier_overrides WHERE tenant_id = ")
      .Str(tenant_id)
      .Sql(" AND client_id IN (")
      .StrList(client_ids)
      .Sql(")");
  for (auto rows = select.Query(); rows->next();) {
    overrides.emplace(rows->getString("client_id"), ReadOverride(*rows));
  }
  return overrides;
}

std::map<std::string, TierOverrideRecord> MySqlScoreRepository::OverridesInRange(
    Transaction& transaction, const std::string& tenant_id, const ClientRange& range) {
  const ClientRangeSql sql(range);
  auto select = Prepare(ConnectionOf(transaction),
                        "SELECT * FROM " + sql.From("tier_overrides", "tier_overrides_by_shard") +
                            " WHERE tenant_id = ?" + sql.Where());
  sql.Bind(*select, tenant_id);
  std::map<std::string, TierOverrideRecord> overrides;
  for (auto rows = Query(*select); rows->next();) {
    overrides.emplace(rows->getString("client_id"), ReadOverride(*rows));
  }
  return overrides;
}

void MySqlScoreRepository::PutOverride(Transaction& transaction, const std::string& tenant_id,
                                       const std::string& client_id,
                                       const v1::TierOverride& tier_override, UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto upsert = Prepare(connection,
                        "REPLACE INTO tier_overrides (tenant_id, client_id, mode, tier, reason, "
                        "author, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  upsert->setString(1, tenant_id);
  upsert->setString(2, client_id);
  upsert->setInt(3, tier_override.mode());
  upsert->setInt(4, tier_override.tier());
  upsert->setString(5, tier_override.reason());
  upsert->setString(6, tier_override.author());
  upsert->setString(7, FormatSqlDatetime(FromProtoTimestamp(tier_override.expires_at())));
  upsert->setString(8, FormatSqlDatetime(now));
  upsert->executeUpdate();
}

void MySqlScoreRepository::ClearOverride(Transaction& transaction, const std::string& tenant_id,
                                         const std::string& client_id) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto remove =
      Prepare(connection, "DELETE FROM tier_overrides WHERE tenant_id = ? AND client_id = ?");
  remove->setString(1, tenant_id);
  remove->setString(2, client_id);
  remove->executeUpdate();
}

}  // namespace clienttier::scoring
