#include "common/outbox/outbox_relay.h"

#include <algorithm>

#include <cppconn/statement.h>

#include "clienttier/outbox/v1/outbox_row.pb.h"
#include "common/db/sql_helpers.h"
#include "common/errors/domain_error.h"
#include "common/observability/logger.h"

namespace clienttier {

namespace {

// A pending row and the events it carries.
struct PendingRow {
  uint64_t id = 0;
  std::string stream;
  std::vector<outbox::v1::OutboxEntry> entries;
};

// Rows written before migration 003 hold one event in their own columns.
PendingRow ReadRow(sql::ResultSet& result) {
  PendingRow row;
  row.id = result.getUInt64("id");
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
          "Events found already on the stream after a relay restart (not published twice)")) {}

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
  return true;
}

void OutboxRelay::DropLeadership() {
  if (leader_) {
    leader_->Discard();  // closing the connection releases the named lock
    leader_.reset();
  }
}

std::set<std::string> OutboxRelay::EventIdsAtStreamTail(const std::string& stream, size_t count) {
  RedisReply reply =
      redis_.Command({"XREVRANGE", stream, "+", "-", "COUNT", std::to_string(count)});
  if (IsError(reply.get())) {
    throw Unavailable("XREVRANGE failed");
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < reply->elements; ++i) {
    const redisReply* fields = reply->element[i]->element[1];
    for (size_t k = 0; k + 1 < fields->elements; k += 2) {
      if (ReplyString(fields->element[k]) == "event_id") {
        ids.insert(ReplyString(fields->element[k + 1]));
      }
    }
  }
  return ids;
}

int OutboxRelay::RunOnce() {
  more_pending_ = false;
  if (!TakeLeadership()) {
    return 0;
  }
  sql::Connection& connection = **leader_;
  // Whole rows, oldest first, until the pass holds batch_size events (at least one row).
  std::vector<PendingRow> rows;
  size_t event_count = 0;
  try {
    auto select = Prepare(connection,
                          "SELECT id, stream, event_id, event_type, tenant_id, payload,"
                          " invalidate_key FROM outbox WHERE published_at IS NULL"
                          " ORDER BY id LIMIT ?");
    select->setInt(1, options_.max_rows_per_pass);
    auto result = Query(*select);
    int rows_read = 0;
    while (result->next()) {
      ++rows_read;
      if (event_count >= static_cast<size_t>(options_.batch_size)) {
        more_pending_ = true;
        break;
      }
      rows.push_back(ReadRow(*result));
      event_count += rows.back().entries.size();
    }
    more_pending_ = more_pending_ || rows_read == options_.max_rows_per_pass;
  } catch (const sql::SQLException& error) {
    DropLeadership();
    ThrowAsDomainError(error);
  }
  if (rows.empty()) {
    needs_recovery_ = false;
    return 0;
  }

  try {
    // After a relay died between XADD and marking its rows, the events it published are at
    // the tail of their streams: skip those, one event at a time (it may have died part-way
    // through a row's events).
    size_t recovered = 0;
    if (needs_recovery_) {
      std::map<std::string, size_t> events_per_stream;
      for (const auto& row : rows) {
        events_per_stream[row.stream] += row.entries.size();
      }
      std::map<std::string, std::set<std::string>> tails;
      for (const auto& [stream, count] : events_per_stream) {
        tails[stream] = EventIdsAtStreamTail(stream, 2 * count);
      }
      for (auto& row : rows) {
        const std::set<std::string>& tail = tails[row.stream];
        const size_t before = row.entries.size();
        row.entries.erase(std::remove_if(row.entries.begin(), row.entries.end(),
                                         [&tail](const outbox::v1::OutboxEntry& entry) {
                                           return tail.count(entry.event_id()) > 0;
                                         }),
                          row.entries.end());
        recovered += before - row.entries.size();
      }
    }

    std::vector<std::vector<std::string>> commands;
    commands.reserve(event_count * 2);
    for (const auto& row : rows) {
      for (const auto& entry : row.entries) {
        commands.push_back({"XADD", row.stream, "MAXLEN", "~",
                            std::to_string(options_.max_stream_length), "*", "event_id",
                            entry.event_id(), "type", entry.type(), "tenant", entry.tenant_id(),
                            "payload", entry.payload()});
        if (!entry.invalidate_key().empty()) {
          commands.push_back({"DEL", entry.invalidate_key()});
        }
      }
    }
    if (!commands.empty()) {
      // A failure part-way leaves some entries on the stream: recover before the next batch.
      needs_recovery_ = true;
      for (const auto& reply : redis_.Pipeline(commands)) {
        if (IsError(reply.get())) {
          throw Unavailable("XADD failed: " + ReplyString(reply.get()));
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
    try {
      MarkPublished(connection, ids);
    } catch (const sql::SQLException& error) {
      DropLeadership();
      ThrowAsDomainError(error);
    }
    needs_recovery_ = false;
    published_.Increment(event_count - recovered);
    recovered_.Increment(recovered);
    return static_cast<int>(event_count);
  } catch (const DomainError&) {
    failures_.Increment();
    throw;
  }
}

int64_t OutboxRelay::ReplaySince(MySqlPool& pool, UnixMicros since) {
  int64_t events = 0;
  pool.InTransaction([&](sql::Connection& connection) {
    auto count = Prepare(connection,
                         "SELECT COALESCE(SUM(event_count), 0) FROM outbox WHERE created_at >= ?"
                         " FOR UPDATE");
    count->setString(1, FormatSqlDatetime(since));
    auto result = Query(*count);
    events = result->next() ? result->getInt64(1) : 0;
    auto update =
        Prepare(connection, "UPDATE outbox SET published_at = NULL WHERE created_at >= ?");
    update->setString(1, FormatSqlDatetime(since));
    update->executeUpdate();
  });
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
