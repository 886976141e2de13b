#include "services/client-profile/domain/profile_events.h"

#include <utility>

#include "common/outbox/outbox_writer.h"

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
  const char* type = TypeName(event);
  return ::clienttier::MakeOutboxEvent(kProfileEventStream, type, tenant_id, now, std::move(event),
                                       invalidate_key);
}

}  // namespace clienttier::profile
