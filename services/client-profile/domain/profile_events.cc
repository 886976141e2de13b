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
    case Event::kTransactionsRecorded:
      return "transactions_recorded";
    case Event::kInteractionsRecorded:
      return "interactions_recorded";
    case Event::kClientsMerged:
      return "clients_merged";
    case Event::PAYLOAD_NOT_SET:
      break;
  }
  return "unknown";
}

void StripClient(::clienttier::profile::v1::Client& client) {
  client.clear_display_name();
  client.clear_email();
  client.clear_phone();
}

}  // namespace

void StripPersonalData(::clienttier::profile::v1::ProfileEvent& event) {
  using Event = ::clienttier::profile::v1::ProfileEvent;
  switch (event.payload_case()) {
    case Event::kClientCreated:
      StripClient(*event.mutable_client_created()->mutable_client());
      break;
    case Event::kClientUpdated:
      StripClient(*event.mutable_client_updated()->mutable_client());
      break;
    case Event::kInteractionRecorded:
      event.mutable_interaction_recorded()->mutable_interaction()->clear_detail();
      break;
    case Event::kInteractionsRecorded:
      for (auto& interaction : *event.mutable_interactions_recorded()->mutable_interactions()) {
        interaction.clear_detail();
      }
      break;
    case Event::kClientsMerged:
      StripClient(*event.mutable_clients_merged()->mutable_survivor());
      break;
    default:
      break;  // erasures and transactions carry ids, codes, amounts and times only
  }
}

std::string ClientCacheKey(const std::string& tenant_id, const std::string& client_id) {
  return "ct:profile:" + tenant_id + ":client:" + client_id;
}

OutboxEvent MakeOutboxEvent(const std::string& tenant_id, UnixMicros now,
                            ::clienttier::profile::v1::ProfileEvent event,
                            const std::string& invalidate_key) {
  StripPersonalData(event);
  const char* type = TypeName(event);
  return ::clienttier::MakeOutboxEvent(kProfileEventStream, type, tenant_id, now, std::move(event),
                                       invalidate_key);
}

}  // namespace clienttier::profile
