#include "services/client-profile/domain/profile_events.h"

namespace clienttier::profile {

namespace {

const char* TypeName(const ::clienttier::profile::v1::ProfileEvent& event) {
  using Event = ::clienttier::profile::v1::ProfileEvent;
  switch (event.payload_case()) {
    case Event::kClientCreated:
      return "client_created";
    case Event::kClientUpdated:
      return "client_updated";
    case Event::kClientErased:
      return "client_erased";
    case Event::kTransactionRecorded:
      return "transaction_recorded";
    case Event::kInteractionRecorded:
      return "interaction_recorded";
    case Event::PAYLOAD_NOT_SET:
      break;
  }
  return "unknown";
}

}  // namespace

std::string ClientCacheKey(const std::string& tenant_id, const std::string& client_id) {
  return "ct:profile:" + tenant_id + ":client:" + client_id;
}

OutboxEvent MakeOutboxEvent(const std::string& tenant_id, UnixMicros now,
                            ::clienttier::profile::v1::ProfileEvent event,
                            const std::string& invalidate_key) {
  OutboxEvent row;
  row.event_id = NewEventId();
  row.stream = kProfileStream;
  row.type = TypeName(event);
  row.tenant_id = tenant_id;
  event.set_event_id(row.event_id);
  event.set_tenant_id(tenant_id);
  *event.mutable_occurred_at() = ToProtoTimestamp(now);
  row.payload = event.SerializeAsString();
  row.invalidate_key = invalidate_key;
  return row;
}

}  // namespace clienttier::profile
