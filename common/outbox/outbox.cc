#include "common/outbox/outbox.h"

#include <cstdio>
#include <random>

#include "common/db/sql_helpers.h"

namespace clienttier {

std::string NewEventId() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  const uint64_t high = generator();
  const uint64_t low = generator();
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-4%03x-%04x-%012llx",
                static_cast<unsigned>(high >> 32), static_cast<unsigned>((high >> 16) & 0xffff),
                static_cast<unsigned>(high & 0x0fff),
                static_cast<unsigned>(((low >> 48) & 0x3fff) | 0x8000),
                static_cast<unsigned long long>(low & 0xffffffffffffULL));
  return text;
}

void AppendToOutbox(sql::Connection& connection, const std::vector<OutboxEvent>& events) {
  constexpr size_t kRowsPerInsert = 500;
  constexpr size_t kColumns = 6;
  for (size_t begin = 0; begin < events.size(); begin += kRowsPerInsert) {
    const size_t end = std::min(events.size(), begin + kRowsPerInsert);
    auto insert = Prepare(
        connection,
        "INSERT INTO outbox (event_id, stream, event_type, tenant_id, payload, invalidate_key,"
        " created_at) VALUES " +
            [&] {
              // created_at is the same UTC_TIMESTAMP(6) for the whole statement.
              std::string rows;
              for (size_t i = begin; i < end; ++i) {
                rows += (i == begin ? "" : ", ");
                rows += "(" + Placeholders(kColumns) + ", UTC_TIMESTAMP(6))";
              }
              return rows;
            }());
    int index = 1;
    for (size_t i = begin; i < end; ++i) {
      const OutboxEvent& event = events[i];
      insert->setString(index++, event.event_id);
      insert->setString(index++, event.stream);
      insert->setString(index++, event.type);
      insert->setString(index++, event.tenant_id);
      insert->setString(index++, event.payload);
      if (event.invalidate_key.empty()) {
        insert->setNull(index++, 0);
      } else {
        insert->setString(index++, event.invalidate_key);
      }
    }
    insert->executeUpdate();
  }
}

}  // namespace clienttier
