#include "common/outbox/outbox.h"

#include <chrono>
#include <cstdio>
#include <map>
#include <random>

#include "clienttier/outbox/v1/outbox_row.pb.h"
#include "common/db/sql_helpers.h"

namespace clienttier {

std::string NewEventId() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  const uint64_t unix_ms =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());
  const uint64_t random_a = generator();
  const uint64_t random_b = generator();
  // Version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits.
  char text[37];
  std::snprintf(text, sizeof text, "%08llx-%04llx-7%03llx-%04llx-%012llx",
                static_cast<unsigned long long>((unix_ms >> 16) & 0xffffffffULL),
                static_cast<unsigned long long>(unix_ms & 0xffff),
                static_cast<unsigned long long>(random_a & 0x0fff),
                static_cast<unsigned long long>(((random_b >> 48) & 0x3fff) | 0x8000),
                static_cast<unsigned long long>(random_b & 0xffffffffffffULL));
  return text;
}

void AppendToOutbox(sql::Connection& connection, const std::vector<OutboxEvent>& events) {
  // One row per stream (per kEventsPerRow events), each keeping the transaction's order.
  constexpr int kEventsPerRow = 500;
  std::vector<outbox::v1::OutboxRow> rows;
  std::vector<std::string> streams;
  std::map<std::string, size_t> open_row;  // stream -> its row still taking events
  for (const OutboxEvent& event : events) {
    auto open = open_row.find(event.stream);
    if (open == open_row.end() || rows[open->second].entries_size() == kEventsPerRow) {
      open = open_row.insert_or_assign(event.stream, rows.size()).first;
      rows.emplace_back();
      streams.push_back(event.stream);
    }
    outbox::v1::OutboxEntry& entry = *rows[open->second].add_entries();
    entry.set_event_id(event.event_id);
    entry.set_type(event.type);
    entry.set_tenant_id(event.tenant_id);
    entry.set_payload(event.payload);
    entry.set_invalidate_key(event.invalidate_key);
  }
  if (rows.empty()) {
    return;
  }
  // created_at is the same UTC_TIMESTAMP(6) for the whole statement.
  std::string values;
  for (size_t i = 0; i < rows.size(); ++i) {
    values += (i == 0 ? "(?, ?, ?, UTC_TIMESTAMP(6))" : ", (?, ?, ?, UTC_TIMESTAMP(6))");
  }
  auto insert = Prepare(
      connection, "INSERT INTO outbox (stream, payload, event_count, created_at) VALUES " + values);
  int index = 1;
  for (size_t i = 0; i < rows.size(); ++i) {
    insert->setString(index++, streams[i]);
    insert->setString(index++, rows[i].SerializeAsString());
    insert->setInt(index++, rows[i].entries_size());
  }
  insert->executeUpdate();
}

}  // namespace clienttier
