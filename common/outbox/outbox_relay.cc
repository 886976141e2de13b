#include "common/outbox/outbox_relay.h"

#include <cppconn/statement.h>

#include "common/db/sql_helpers.h"
#include "common/errors/domain_error.h"
#include "common/observability/logger.h"

namespace clienttier {

namespace {

struct PendingRow {
  uint64_t id;
  std::string event_id;
  std::string stream;
  std::string type;
  std::string tenant_id;
  std::string payload;
  std::string invalidate_key;
};

void MarkPublished(sql::Connection& connection, const std::vector<uint64_t>& ids) {
  if (ids.empty()) {
    return;
  }
  auto update = Prepare(connection, "UPDATE outbox SET published_at = UTC_TIMESTAMP(6) WHERE id IN (" +
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

std::set<std::string> OutboxRelay::EventIdsAtStreamTail(const std::string& stream) {
  RedisReply reply = redis_.Command(
      {"XREVRANGE", stream, "+", "-", "COUNT", std::to_string(options_.batch_size * 2)});
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
  if (!TakeLeadership()) {
    return 0;
  }
  sql::Connection& connection = **leader_;
  std::vector<PendingRow> rows;
  try {
    auto select = Prepare(connection,
                          "SELECT id, event_id, stream, event_type, tenant_id, payload,"
                          " invalidate_key FROM outbox WHERE published_at IS NULL"
                          " ORDER BY id LIMIT ?");
    select->setInt(1, options_.batch_size);
    auto result = Query(*select);
    while (result->next()) {
      rows.push_back({result->getUInt64(1), result->getString(2), result->getString(3),
                      result->getString(4), result->getString(5), result->getString(6),
                      result->isNull(7) ? "" : std::string(result->getString(7))});
    }
  } catch (const sql::SQLException& error) {
    DropLeadership();
    ThrowAsDomainError(error);
  }
  if (rows.empty()) {
    needs_recovery_ = false;
    return 0;
  }

  try {
    std::vector<uint64_t> already_published;
    if (needs_recovery_) {
      std::map<std::string, std::set<std::string>> tails;
      for (const auto& row : rows) {
        if (tails.find(row.stream) == tails.end()) {
          tails[row.stream] = EventIdsAtStreamTail(row.stream);
        }
      }
      std::vector<PendingRow> still_pending;
      for (auto& row : rows) {
        if (tails[row.stream].count(row.event_id) > 0) {
          already_published.push_back(row.id);
        } else {
          still_pending.push_back(std::move(row));
        }
      }
      rows = std::move(still_pending);
    }

    std::vector<std::vector<std::string>> commands;
    commands.reserve(rows.size() * 2);
    for (const auto& row : rows) {
      commands.push_back({"XADD", row.stream, "MAXLEN", "~",
                          std::to_string(options_.max_stream_length), "*", "event_id",
                          row.event_id, "type", row.type, "tenant", row.tenant_id, "payload",
                          row.payload});
      if (!row.invalidate_key.empty()) {
        commands.push_back({"DEL", row.invalidate_key});
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
    std::vector<uint64_t> ids = already_published;
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
    published_.Increment(rows.size());
    recovered_.Increment(already_published.size());
    return static_cast<int>(ids.size());
  } catch (const DomainError&) {
    failures_.Increment();
    throw;
  }
}

int64_t OutboxRelay::ReplaySince(MySqlPool& pool, UnixMicros since) {
  int64_t count = 0;
  pool.WithConnection([&](sql::Connection& connection) {
    auto update = Prepare(connection, "UPDATE outbox SET published_at = NULL WHERE created_at >= ?");
    update->setString(1, FormatSqlDatetime(since));
    count = update->executeUpdate();
  });
  return count;
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
    if (published >= options_.batch_size) {
      continue;  // more is waiting
    }
    std::unique_lock<std::mutex> lock(wake_mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(is_leader() ? backoff_ms : 1000),
                   [this] { return wake_requested_ || !running_; });
    wake_requested_ = false;
  }
}

}  // namespace clienttier
