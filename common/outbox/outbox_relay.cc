#include "common/outbox/outbox_relay.h"

#include <algorithm>

#include <cppconn/statement.h>

#include "clienttier/outbox/v1/outbox_row.pb.h"
#include "common/db/sql_helpers.h"
#include "common/errors/domain_error.h"
#include "common/observability/logger.h"
#include "common/outbox/stream_positions.h"
#include "common/redis/redis_cache.h"
#include "common/redis/stream_consumer.h"
#include "common/redis/stream_trim.h"
#include "common/time/utc_time.h"

namespace clienttier {

namespace {

// A pending row and the events it carries.
struct PendingRow {
  uint64_t id = 0;
  UnixMicros created_at = 0;
  std::string stream;
  std::vector<outbox::v1::OutboxEntry> entries;
};

// Rows written before migration 003 hold one event in their own columns.
PendingRow ReadRow(sql::ResultSet& result) {
  PendingRow row;
  row.id = result.getUInt64("id");
  row.created_at = ParseSqlDatetime(result.getString("created_at"));
  row.stream = result.getString("stream");
  if (result.isNull("event_id")) {
    outbox::v1::OutboxRow stored;
    if (!stored.ParseFromString(result.getString("payload"))) {
      // A row nobody can publish would block the stream forever, so it fails loudly instead.
      throw Internal("outbox row " + std::to_string(row.id) + " is not a readable OutboxRow");
    }
    row.entries.assign(stored.entries().begin(), stored.entries().end());
    return row;
  }
  outbox::v1::OutboxEntry& entry = row.entries.emplace_back();
  entry.set_event_id(result.getString("event_id"));
  entry.set_type(result.getString("event_type"));
  entry.set_tenant_id(result.getString("tenant_id"));
  entry.set_payload(result.getString("payload"));
  if (!result.isNull("invalidate_key")) {
    entry.set_invalidate_key(result.getString("invalidate_key"));
  }
  return row;
}

void MarkPublished(sql::Connection& connection, const std::vector<uint64_t>& ids) {
  if (ids.empty()) {
    return;
  }
  auto update =
      Prepare(connection, "UPDATE outbox SET published_at = UTC_TIMESTAMP(6) WHERE id IN (" +
                              Placeholders(ids.size()) + ")");
  for (size_t i = 0; i < ids.size(); ++i) {
    update->setUInt64(static_cast<unsigned>(i + 1), ids[i]);
  }
  update->executeUpdate();
}

// Marks the events of `stream` (every stream when empty) created at or after `since`
// unpublished; returns how many events they carry. Runs inside the caller's transaction.
int64_t MarkForReplay(sql::Connection& connection, UnixMicros since, const std::string& stream) {
  const std::string where =
      stream.empty() ? " WHERE created_at >= ?" : " WHERE created_at >= ? AND stream = ?";
  const auto bind = [&](sql::PreparedStatement& statement) {
    statement.setString(1, FormatSqlDatetime(since));
    if (!stream.empty()) {
      statement.setString(2, stream);
    }
  };
  auto count = Prepare(connection,
                       "SELECT COALESCE(SUM(event_count), 0) FROM outbox" + where + " FOR UPDATE");
  bind(*count);
  auto result = Query(*count);
  const int64_t events = result->next() ? result->getInt64(1) : 0;
  auto update = Prepare(connection, "UPDATE outbox SET published_at = NULL" + where);
  bind(*update);
  update->executeUpdate();
  return events;
}

// Runs `work` in a transaction on the relay's own connection (it holds the leader lock, so it
// cannot come from the pool's InTransaction).
template <typename Work>
void InLeaderTransaction(sql::Connection& connection, Work work) {
  connection.setAutoCommit(false);
  try {
    work();
    connection.commit();
  } catch (...) {
    connection.rollback();
    connection.setAutoCommit(true);
    throw;
  }
  connection.setAutoCommit(true);
}

}  // namespace

OutboxRelay::OutboxRelay(MySqlPool& pool, RedisClient& redis, MetricsRegistry& metrics,
                         OutboxRelayOptions options)
    : pool_(pool),
      redis_(redis),
      options_(options),
      published_(metrics.GetCounter("ct_outbox_published_total", "Outbox events published")),
      failures_(metrics.GetCounter("ct_outbox_relay_failures_total",
                                   "Relay passes that failed (Redis or MySQL unavailable)")),
      recovered_(metrics.GetCounter(
          "ct_outbox_recovered_total",
          "Events found already on the stream after a relay restart (not published twice)")),
      stream_resets_(metrics.GetCounter(
          "ct_outbox_stream_resets_total",
          "Streams Redis lost (the relay's last recorded entry is gone); each is replayed")),
      replayed_(metrics.GetCounter("ct_outbox_replayed_total",
                                   "Retained outbox events marked for publication again after "
                                   "a lost stream")),
      publish_delay_(metrics.GetHistogram(
          "ct_outbox_publish_delay_seconds",
          "Time from an event's commit to the outbox (created_at) to its XADD, per event",
          MetricsRegistry::DelayBucketsSeconds())) {}

OutboxRelay::~OutboxRelay() { Stop(); }

bool OutboxRelay::TakeLeadership() {
  if (leader_) {
    return true;
  }
  MySqlPool::Lease lease = pool_.Acquire();
  try {
    std::unique_ptr<sql::Statement> statement(lease->createStatement());
    ResultSetPtr result(
        statement->executeQuery("SELECT GET_LOCK(CONCAT('ct_outbox_relay_', DATABASE()), 0)"));
    if (!result->next() || result->getInt(1) != 1) {
      return false;
    }
  } catch (const sql::SQLException& error) {
    lease.Discard();
    ThrowAsDomainError(error);
  }
  leader_.emplace(std::move(lease));
  needs_recovery_ = true;
  positions_.clear();  // another leader may have moved them
  return true;
}

void OutboxRelay::DropLeadership() {
  if (leader_) {
    leader_->Discard();  // closing the connection releases the named lock
    leader_.reset();
  }
}

std::string OutboxRelay::PositionOf(sql::Connection& connection, const std::string& stream) {
  const auto cached = positions_.find(stream);
  if (cached != positions_.end()) {
    return cached->second;
  }
  std::optional<std::string> position = LoadStreamPosition(connection, stream);
  if (!position) {
    RedisReply last = redis_.Command({"XREVRANGE", stream, "+", "-", "COUNT", "1"});
    if (IsError(last.get())) {
      throw Unavailable("XREVRANGE failed: " + ReplyString(last.get()));
    }
    const std::vector<StreamEntry> entries = ParseStreamEntries(last.get());
    position = entries.empty() ? "0-0" : entries.front().id;
    SaveStreamPositions(connection, {{stream, *position}});
  }
  positions_[stream] = *position;
  return *position;
}

int OutboxRelay::ReplayLostStreams(sql::Connection& connection,
                                   const std::map<std::string, std::string>& positions) {
  std::vector<std::string> checked;
  std::vector<std::vector<std::string>> commands;
  for (const auto& [stream, entry_id] : positions) {
    if (entry_id != "0-0") {  // nothing was published there yet: nothing to lose
      checked.push_back(stream);
      commands.push_back({"XRANGE", stream, entry_id, entry_id});
    }
  }
  if (commands.empty()) {
    return 0;
  }
  const std::vector<RedisReply> replies = redis_.Pipeline(commands);
  int lost = 0;
  for (size_t i = 0; i < replies.size(); ++i) {
    const redisReply* reply = replies[i].get();
    if (IsError(reply)) {
      throw Unavailable("XRANGE failed: " + ReplyString(reply));
    }
    if (reply->type == REDIS_REPLY_ARRAY && reply->elements > 0) {
      continue;
    }
    // The entry this relay recorded is gone, so is everything before it that consumers had
    // not read yet. The retained rows are all replayed: the groups' positions went with the
    // stream, so nothing tells which of them every group had applied.
    const std::string& stream = checked[i];
    int64_t events = 0;
    InLeaderTransaction(connection, [&] {
      events = MarkForReplay(connection, 0, stream);
      ForgetStreamPosition(connection, stream);
    });
    positions_.erase(stream);
    needs_recovery_ = true;  // entries a failed pass added to the new stream are skipped
    stream_resets_.Increment();
    replayed_.Increment(static_cast<uint64_t>(events));
    LogWarning("stream lost by Redis (its last published entry is gone); replaying the outbox",
               {{"stream", stream},
                {"last_entry_id", positions.at(stream)},
                {"events", std::to_string(events)}});
    ++lost;
  }
  return lost;
}

std::set<std::string> OutboxRelay::EventIdsAfter(const std::string& stream,
                                                 const std::string& after_id,
                                                 std::string* last_id) {
  constexpr int kPage = 1000;
  std::set<std::string> ids;
  std::string from = after_id;
  for (;;) {
    RedisReply reply =
        redis_.Command({"XRANGE", stream, "(" + from, "+", "COUNT", std::to_string(kPage)});
    if (IsError(reply.get())) {
      throw Unavailable("XRANGE failed: " + ReplyString(reply.get()));
    }
    const std::vector<StreamEntry> entries = ParseStreamEntries(reply.get());
    for (const StreamEntry& entry : entries) {
      const auto event_id = entry.fields.find("event_id");
      if (event_id != entry.fields.end()) {
        ids.insert(event_id->second);
      }
    }
    if (entries.empty()) {
      return ids;
    }
    from = entries.back().id;
    *last_id = from;
    if (entries.size() < static_cast<size_t>(kPage)) {
      return ids;
    }
  }
}

// What a relay that died between XADD and the mark (or a pass of this one that failed part-way)
// left on the streams: it published the oldest pending events in order, so its entries after
// each recorded position match a prefix of the pending events. Rows wholly in that prefix are
// marked now; the events of a row it published only in part are skipped by the next pass.
// Positions move to the end of what was found only when no row is left half-published, so a
// relay that dies during recovery leaves its successor the same starting point.
int OutboxRelay::Recover(sql::Connection& connection) {
  std::map<std::string, std::set<std::string>> found;  // stream -> event ids after its position
  std::map<std::string, std::string> found_until;      // stream -> the last entry read
  std::vector<uint64_t> done_rows;
  skip_events_.clear();
  size_t recovered = 0;
  uint64_t after_row = 0;
  bool prefix_ended = false;
  while (!prefix_ended) {
    auto select =
        Prepare(connection,
                "SELECT id, created_at, stream, event_id, event_type, tenant_id,"
                " payload, invalidate_key FROM outbox WHERE published_at IS NULL AND id > ?"
                " ORDER BY id LIMIT ?");
    select->setUInt64(1, after_row);
    select->setInt(2, options_.max_rows_per_pass);
    auto result = Query(*select);
    int rows_read = 0;
    while (!prefix_ended && result->next()) {
      ++rows_read;
      const PendingRow row = ReadRow(*result);
      after_row = row.id;
      if (found.count(row.stream) == 0) {
        std::string position = PositionOf(connection, row.stream);
        found[row.stream] = EventIdsAfter(row.stream, position, &position);
        found_until[row.stream] = position;
      }
      const std::set<std::string>& published = found[row.stream];
      size_t matched = 0;
      while (matched < row.entries.size() && published.count(row.entries[matched].event_id()) > 0) {
        ++matched;
      }
      recovered += matched;
      if (matched == row.entries.size()) {
        done_rows.push_back(row.id);
        continue;
      }
      prefix_ended = true;
      for (size_t i = 0; i < matched; ++i) {
        skip_events_.insert(row.entries[i].event_id());
      }
    }
    if (rows_read < options_.max_rows_per_pass) {
      break;
    }
  }
  InLeaderTransaction(connection, [&] {
    MarkPublished(connection, done_rows);
    if (skip_events_.empty()) {
      SaveStreamPositions(connection, found_until);
    }
  });
  if (skip_events_.empty()) {
    for (const auto& [stream, position] : found_until) {
      positions_[stream] = position;
    }
  }
  recovered_.Increment(recovered);
  needs_recovery_ = false;
  return static_cast<int>(recovered - skip_events_.size());
}

int OutboxRelay::RunOnce() {
  more_pending_ = false;
  if (!TakeLeadership()) {
    return 0;
  }
  try {
    return Pass(**leader_, /*after_replay=*/false);
  } catch (const sql::SQLException& error) {
    failures_.Increment();
    DropLeadership();
    ThrowAsDomainError(error);
  } catch (const DomainError&) {
    failures_.Increment();
    throw;
  }
}

void OutboxRelay::TrimStreams(const std::map<std::string, std::string>& streams,
                              std::chrono::steady_clock::time_point now) {
  if (now < next_trim_check_) {
    return;
  }
  next_trim_check_ = now + std::chrono::milliseconds(options_.trim_check_ms);
  for (const auto& [stream, position] : streams) {
    try {
      TrimConsumedEntries(redis_, stream, options_.max_stream_length);
    } catch (const DomainError& error) {
      // The pass's events are published and marked; a trim missed now is made on a later pass.
      LogWarning("stream trim failed", {{"stream", stream}, {"error", error.what()}});
    }
  }
}

int OutboxRelay::Pass(sql::Connection& connection, bool after_replay) {
  const int recovered_in_pass = needs_recovery_ ? Recover(connection) : 0;
  // Whole rows, oldest first, until the pass holds batch_size events (at least one row). The
  // sizes come first and the payloads only of the rows taken: a row holds a whole write's
  // events (up to ~200 KB), and reading max_rows_per_pass payloads to publish one row made a
  // relay behind by a few hundred rows move ~200x the bytes it published (perf: ~70% of
  // client-profile's CPU while it accepted 27,000 tx/s, in the client library's result copy).
  std::vector<PendingRow> rows;
  size_t event_count = 0;
  uint64_t first_id = 0;
  uint64_t last_id = 0;
  {
    auto sizes = Prepare(connection,
                         "SELECT id, event_count FROM outbox WHERE published_at IS NULL"
                         " ORDER BY id LIMIT ?");
    sizes->setInt(1, options_.max_rows_per_pass);
    auto result = Query(*sizes);
    int rows_read = 0;
    size_t events_taken = 0;
    while (result->next()) {
      ++rows_read;
      if (events_taken >= static_cast<size_t>(options_.batch_size)) {
        more_pending_ = true;
        break;
      }
      last_id = result->getUInt64(1);
      if (first_id == 0) {
        first_id = last_id;  // ids start at 1
      }
      events_taken += std::max(1, result->getInt(2));
    }
    more_pending_ = more_pending_ || rows_read == options_.max_rows_per_pass;
  }
  if (last_id != 0) {
    // A row committed meanwhile inside [first_id, last_id] comes along: it is pending too.
    auto select = Prepare(connection,
                          "SELECT id, created_at, stream, event_id, event_type, tenant_id,"
                          " payload, invalidate_key FROM outbox WHERE published_at IS NULL"
                          " AND id BETWEEN ? AND ? ORDER BY id");
    select->setUInt64(1, first_id);
    select->setUInt64(2, last_id);
    auto result = Query(*select);
    while (result->next()) {
      rows.push_back(ReadRow(*result));
      event_count += rows.back().entries.size();
    }
  }
  const auto now = std::chrono::steady_clock::now();
  if (rows.empty()) {
    if (now >= next_lost_stream_check_) {
      next_lost_stream_check_ = now + std::chrono::milliseconds(options_.lost_stream_check_ms);
      if (ReplayLostStreams(connection, LoadStreamPositions(connection)) > 0) {
        more_pending_ = true;
      }
    }
    return recovered_in_pass;
  }

  // Every pass checks its streams before adding to them: entries added to a stream Redis
  // lost would move the recorded position onto the new stream and hide the loss.
  std::map<std::string, std::string> positions;
  for (const auto& row : rows) {
    if (positions.count(row.stream) == 0) {
      positions[row.stream] = PositionOf(connection, row.stream);
    }
  }
  if (ReplayLostStreams(connection, positions) > 0) {
    // The replayed rows are pending again: publish from the oldest (once; a stream lost
    // again at once waits for the next pass).
    more_pending_ = true;
    return recovered_in_pass + (after_replay ? 0 : Pass(connection, /*after_replay=*/true));
  }
  next_lost_stream_check_ = now + std::chrono::milliseconds(options_.lost_stream_check_ms);

  // The rest of a row that a failed pass published in part (see Recover).
  size_t skipped = 0;
  if (!skip_events_.empty()) {
    for (auto& row : rows) {
      const size_t before = row.entries.size();
      row.entries.erase(std::remove_if(row.entries.begin(), row.entries.end(),
                                       [this](const outbox::v1::OutboxEntry& entry) {
                                         return skip_events_.count(entry.event_id()) > 0;
                                       }),
                        row.entries.end());
      skipped += before - row.entries.size();
    }
  }

  std::vector<std::vector<std::string>> commands;
  std::vector<const std::string*> added_to;  // per command: the stream of an XADD, or null
  commands.reserve(event_count * 2);
  for (const auto& row : rows) {
    for (const auto& entry : row.entries) {
      // No MAXLEN here: it would drop the oldest entries whether or not every group had read
      // them (TrimStreams caps the streams instead).
      commands.push_back({"XADD", row.stream, "*", "event_id", entry.event_id(), "type",
                          entry.type(), "tenant", entry.tenant_id(), "payload", entry.payload()});
      added_to.push_back(&row.stream);
      if (!entry.invalidate_key().empty()) {
        commands.push_back(RedisCache::InvalidateCommand(entry.invalidate_key()));
        added_to.push_back(nullptr);
      }
    }
  }
  if (!commands.empty()) {
    // A failure part-way leaves some entries on the stream: recover before the next batch.
    needs_recovery_ = true;
    const std::vector<RedisReply> replies = redis_.Pipeline(commands);
    for (size_t i = 0; i < replies.size(); ++i) {
      if (IsError(replies[i].get())) {
        throw Unavailable("XADD failed: " + ReplyString(replies[i].get()));
      }
      if (added_to[i] != nullptr) {
        positions[*added_to[i]] = ReplyString(replies[i].get());
      }
    }
  }
  if (after_publish_hook_) {
    after_publish_hook_();
  }
  std::vector<uint64_t> ids;
  for (const auto& row : rows) {
    ids.push_back(row.id);
  }
  // The mark and the positions commit together: a position ahead of its mark would make a
  // successor skip events that were never marked, and republish nothing for them.
  InLeaderTransaction(connection, [&] {
    MarkPublished(connection, ids);
    SaveStreamPositions(connection, positions);
  });
  for (const auto& [stream, position] : positions) {
    positions_[stream] = position;
  }
  needs_recovery_ = false;
  skip_events_.clear();
  published_.Increment(event_count - skipped);
  const UnixMicros published_at = SystemClock().Now();
  for (const auto& row : rows) {
    const double delay_s = static_cast<double>(published_at - row.created_at) / kMicrosPerSecond;
    for (size_t i = 0; i < row.entries.size(); ++i) {
      publish_delay_.Observe(delay_s);
    }
  }
  TrimStreams(positions, now);
  return static_cast<int>(event_count) + recovered_in_pass;
}

int64_t OutboxRelay::ReplaySince(MySqlPool& pool, UnixMicros since, const std::string& stream) {
  int64_t events = 0;
  pool.InTransaction(
      [&](sql::Connection& connection) { events = MarkForReplay(connection, since, stream); });
  return events;
}

int64_t OutboxRelay::PurgeExpired() {
  int64_t count = 0;
  pool_.WithConnection([&](sql::Connection& connection) {
    auto purge = Prepare(connection,
                         "DELETE FROM outbox WHERE published_at IS NOT NULL AND"
                         " published_at < UTC_TIMESTAMP(6) - INTERVAL ? DAY LIMIT 10000");
    purge->setInt(1, options_.retention_days);
    count = purge->executeUpdate();
  });
  return count;
}

void OutboxRelay::Notify() {
  {
    std::lock_guard<std::mutex> lock(wake_mutex_);
    wake_requested_ = true;
  }
  wake_.notify_one();
}

void OutboxRelay::Start() {
  if (running_.exchange(true)) {
    return;
  }
  thread_ = std::thread([this] { Loop(); });
}

void OutboxRelay::Stop() {
  if (!running_.exchange(false)) {
    return;
  }
  Notify();
  thread_.join();
  try {
    RunOnce();  // flush what the drained RPCs committed last
  } catch (const std::exception&) {
    // the rows stay in the outbox for the next relay
  }
  DropLeadership();
}

void OutboxRelay::Loop() {
  int backoff_ms = options_.poll_interval_ms;
  auto next_purge = std::chrono::steady_clock::now();
  while (running_) {
    int published = 0;
    try {
      published = RunOnce();
      backoff_ms = options_.poll_interval_ms;
      if (std::chrono::steady_clock::now() >= next_purge && is_leader()) {
        PurgeExpired();
        next_purge = std::chrono::steady_clock::now() + std::chrono::minutes(10);
      }
    } catch (const std::exception& error) {
      Logger::LogRateLimited("outbox-relay", std::chrono::seconds(10), Severity::kWarning,
                             "outbox relay pass failed; retrying", {{"detail", error.what()}});
      backoff_ms = std::min(backoff_ms * 2, 2000);
    }
    if (published > 0 && more_pending_) {
      continue;
    }
    std::unique_lock<std::mutex> lock(wake_mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(is_leader() ? backoff_ms : 1000),
                   [this] { return wake_requested_ || !running_; });
    wake_requested_ = false;
  }
}

}  // namespace clienttier
