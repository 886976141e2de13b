#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/db/transaction.h"
#include "common/outbox/outbox.h"
#include "common/time/utc_time.h"

namespace clienttier {

// Where a use case writes the events of a change: in the same transaction as the change, so
// both commit or neither; the relay publishes them (common/outbox/outbox_relay.h). The port
// every service's use cases take; tests/support/fake_transaction.h has the fake.
class OutboxWriter {
 public:
  virtual ~OutboxWriter() = default;
  virtual void Append(Transaction& transaction, const std::vector<OutboxEvent>& events) = 0;
};

// The `outbox` table, on the transaction's connection.
class MySqlOutboxWriter final : public OutboxWriter {
 public:
  void Append(Transaction& transaction, const std::vector<OutboxEvent>& events) override {
    AppendToOutbox(ConnectionOf(transaction), events);
  }
};

// An outbox row for `event` (a service's event proto, which has event_id, tenant_id and
// occurred_at): a new time-ordered id, the tenant and the time set on the proto and the row
// alike. `invalidate_key`, if any, is a cache key the relay invalidates when it publishes
// (RedisCache::InvalidateCommand).
template <typename EventProto>
OutboxEvent MakeOutboxEvent(const char* stream, const char* type, const std::string& tenant_id,
                            UnixMicros now, EventProto event, std::string invalidate_key = {}) {
  OutboxEvent outbox;
  outbox.event_id = NewEventId();
  outbox.stream = stream;
  outbox.type = type;
  outbox.tenant_id = tenant_id;
  event.set_event_id(outbox.event_id);
  event.set_tenant_id(tenant_id);
  *event.mutable_occurred_at() = ToProtoTimestamp(now);
  outbox.payload = event.SerializeAsString();
  outbox.invalidate_key = std::move(invalidate_key);
  return outbox;
}

}  // namespace clienttier
