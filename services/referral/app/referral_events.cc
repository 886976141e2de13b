#include "services/referral/app/referral_events.h"

namespace clienttier::referral {

namespace {

constexpr char kReferralStream[] = "ct:events:referral";

}  // namespace

OutboxEvent MakeReferralEvent(const std::string& tenant_id, UnixMicros now, v1::ReferralEvent event,
                              const char* type) {
  OutboxEvent outbox;
  outbox.event_id = NewEventId();
  outbox.stream = kReferralStream;
  outbox.type = type;
  outbox.tenant_id = tenant_id;
  event.set_event_id(outbox.event_id);
  event.set_tenant_id(tenant_id);
  *event.mutable_occurred_at() = ToProtoTimestamp(now);
  outbox.payload = event.SerializeAsString();
  return outbox;
}

}  // namespace clienttier::referral
