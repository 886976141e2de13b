#include "services/scoring/storage/mysql/mysql_score_repository.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <memory>
#include <string_view>

#include <cppconn/exception.h>

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

// One score as a row of a multi-row INSERT (SqlText: a statement of a few thousand rows as
// text, not as thousands of bound parameters).
void AddScoreRow(SqlText& insert, const std::string& tenant_id, const StoredScore& stored) {
  const v1::Score& score = stored.score;
  insert.Row()
      .Str(tenant_id)
      .Str(score.client_id())
      .Str(FormatSqlDatetime(FromProtoTimestamp(score.as_of())))
      .Double(score.score())
      .Int(score.tier())
      .Int(score.lifecycle())
      .Int(score.quadrant())
      .Str(score.rfm().segment())
      .Int(score.churn_warning() ? 1 : 0)
      .Int(score.value_12m().units());
  if (stored.tier_state.below_since == kNever) {
    insert.Null();
  } else {
    insert.Int(stored.tier_state.below_since);
  }
  insert.Int(score.config_version())
      .Int(score.model_version())
      .Int(score.population_version())
      .Bytes(score.SerializeAsString());
}

// From this many rows on, UpsertMany loads them with LOAD DATA LOCAL INFILE (a batch's chunk, an
// event read's rescore) instead of a multi-row INSERT: MariaDB takes tab-separated rows faster
// than it parses the same rows as SQL literals (the payload as hex doubles its bytes), ~1.3x in
// rescore-bench's write limit. Below it one INSERT costs less than a file and the extra round trip.
constexpr size_t kLoadDataMinRows = 500;

// A field of a LOAD DATA row (FIELDS TERMINATED BY '\t' ESCAPED BY '\\', LINES TERMINATED BY
// '\n', the defaults): the four bytes that would end or garble a field are escaped.
void AppendField(std::string& row, std::string_view value) {
  // Runs of bytes that need no escape are appended whole (a payload is a few hundred bytes, of
  // which few need one): a batch formats a million rows on the cores that also score them.
  size_t from = 0;
  for (size_t at = 0; at < value.size(); ++at) {
    const char c = value[at];
    if (c != '\\' && c != '\t' && c != '\n' && c != '\0') {
      continue;
    }
    row.append(value.data() + from, at - from);
    row += '\\';
    row += c == '\t' ? 't' : c == '\n' ? 'n' : c == '\0' ? '0' : '\\';
    from = at + 1;
  }
  row.append(value.data() + from, value.size() - from);
  row += '\t';
}

void AppendInt(std::string& row, int64_t value) {
  char digits[24];
  const std::to_chars_result end = std::to_chars(std::begin(digits), std::end(digits), value);
  row.append(digits, end.ptr);
  row += '\t';
}

// The rows of one LOAD DATA: what every row formats the same way is formatted once.
struct ScoreLines {
  std::string text;
  std::string payload;  // the row's serialized score, reused from row to row
  UnixMicros as_of = 0;
  std::string as_of_text;  // FormatSqlDatetime(as_of), empty before the first row
};

// One score as a LOAD DATA row, the columns of kScoreColumns in their order.
void AppendScoreLine(ScoreLines& lines, const std::string& tenant_id, const StoredScore& stored) {
  const v1::Score& score = stored.score;
  if (!std::isfinite(score.score())) {
    throw Internal("score of " + score.client_id() + " is not a finite number");
  }
  std::string& file = lines.text;
  AppendField(file, tenant_id);
  AppendField(file, score.client_id());
  const UnixMicros as_of = FromProtoTimestamp(score.as_of());
  if (lines.as_of_text.empty() || as_of != lines.as_of) {
    lines.as_of = as_of;
    lines.as_of_text = FormatSqlDatetime(as_of);
  }
  AppendField(file, lines.as_of_text);
  // The shortest text that reads back as the same double.
  char number[32];
  const std::to_chars_result end =
      std::to_chars(std::begin(number), std::end(number), score.score());
  file.append(number, end.ptr);
  file += '\t';
  AppendInt(file, score.tier());
  AppendInt(file, score.lifecycle());
  AppendInt(file, score.quadrant());
  AppendField(file, score.rfm().segment());
  AppendInt(file, score.churn_warning() ? 1 : 0);
  AppendInt(file, score.value_12m().units());
  if (stored.tier_state.below_since == kNever) {
    file += "\\N\t";
  } else {
    AppendInt(file, stored.tier_state.below_since);
  }
  AppendInt(file, score.config_version());
  AppendInt(file, score.model_version());
  AppendInt(file, score.population_version());
  score.SerializeToString(&lines.payload);
  AppendField(file, lines.payload);
  file.back() = '\n';  // the last field's tab ends the line instead
}

// A private file of the rows, removed when this goes out of scope (also on an error).
class RowsFile {
 public:
  // Empty when no file can be written (e.g. a read-only temporary directory).
  static std::unique_ptr<RowsFile> Write(const std::string& rows) {
    std::error_code error;
    std::string pattern =
        (std::filesystem::temp_directory_path(error) / "ct-scores-XXXXXX").string();
    const int fd = error ? -1 : mkstemp(pattern.data());  // 0600, a name no one else takes
    if (fd < 0) {
      return nullptr;
    }
    std::unique_ptr<RowsFile> file(new RowsFile(pattern));
    size_t written = 0;
    while (written < rows.size()) {
      const ssize_t n = write(fd, rows.data() + written, rows.size() - written);
      if (n <= 0) {
        close(fd);
        return nullptr;  // the destructor removes it
      }
      written += static_cast<size_t>(n);
    }
    close(fd);
    return file;
  }
  ~RowsFile() { std::remove(path_.c_str()); }
  RowsFile(const RowsFile&) = delete;
  RowsFile& operator=(const RowsFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  explicit RowsFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// REPLACE is the upsert here: every column of the row is the new score's, and MariaDB updates a
// row in place when the duplicate is on the primary key, the table's only unique key (no
// triggers, no foreign keys), as ON DUPLICATE KEY UPDATE does. False (nothing written) when no
// temporary file can be written or the server does not take LOCAL files: the caller then
// inserts the rows as SQL.
bool LoadScores(sql::Connection& connection, const std::string& tenant_id,
                const std::vector<StoredScore>& stored) {
  ScoreLines lines;
  lines.text.reserve(stored.size() * 400);
  for (const StoredScore& score : stored) {
    AppendScoreLine(lines, tenant_id, score);
  }
  const std::unique_ptr<RowsFile> file = RowsFile::Write(lines.text);
  if (!file) {
    return false;
  }
  // The path is ours (mkstemp under the temporary directory), escaped all the same.
  SqlText load(connection);
  load.Sql("LOAD DATA LOCAL INFILE ")
      .Str(file->path())
      .Sql(std::string(" REPLACE INTO TABLE scores CHARACTER SET utf8mb4 ") + kScoreColumns);
  try {
    load.Execute();
  } catch (const sql::SQLException& error) {
    // A server with local_infile off refuses the statement (MariaDB 4166 or 1148, MySQL 3948)
    // before loading anything; the transaction goes on and the rows are inserted as SQL instead.
    if (error.getErrorCode() == 4166 || error.getErrorCode() == 1148 ||
        error.getErrorCode() == 3948) {
      return false;
    }
    throw;
  }
  return true;
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
    for (size_t i = begin; i < end; ++i) {
      AddScoreRow(insert, tenant_id, stored[i]);
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
