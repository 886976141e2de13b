#include "services/scoring/domain/aggregate_change.h"

#include "common/time/utc_time.h"

namespace clienttier::scoring {

namespace pv1 = ::clienttier::profile::v1;

namespace {

Day DayOf(UnixMicros micros) {
  // Floor division: a time before 1970 still lands on the right day.
  return micros >= 0 ? micros / kMicrosPerDay : -((-micros + kMicrosPerDay - 1) / kMicrosPerDay);
}

AggregateChange TransactionChange(const pv1::Transaction& transaction) {
  AggregateChange change;
  change.kind = AggregateChange::Kind::kPaidOccasion;
  change.client_id = transaction.client_id();
  change.day = DayOf(FromProtoTimestamp(transaction.occurred_at()));
  const bool session = transaction.kind() == pv1::TRANSACTION_KIND_SESSION;
  change.currency = transaction.amount().currency();
  change.purchases = session ? 0 : 1;
  change.sessions = session ? 1 : 0;
  change.spend_minor = transaction.amount().units();
  return change;
}

AggregateChange InteractionChange(const pv1::Interaction& interaction) {
  AggregateChange change;
  change.kind = AggregateChange::Kind::kActivity;
  change.client_id = interaction.client_id();
  change.day = DayOf(FromProtoTimestamp(interaction.occurred_at()));
  switch (interaction.kind()) {
    case pv1::INTERACTION_KIND_LOGIN:
      change.counter = ActivityCounter::kLogins;
      break;
    case pv1::INTERACTION_KIND_EVENT_ATTENDANCE:
      change.counter = ActivityCounter::kEventsAttended;
      break;
    case pv1::INTERACTION_KIND_CONTENT_USE:
      change.counter = ActivityCounter::kContentUses;
      break;
    case pv1::INTERACTION_KIND_SHARE:
      change.counter = ActivityCounter::kShares;
      break;
    default:
      break;
  }
  change.login = interaction.kind() == pv1::INTERACTION_KIND_LOGIN;
  return change;
}

}  // namespace

AggregateChange AggregateChangeOf(const pv1::ProfileEvent& event) {
  AggregateChange change;
  switch (event.payload_case()) {
    case pv1::ProfileEvent::kClientCreated:
      change.kind = AggregateChange::Kind::kClientKnown;
      change.client_id = event.client_created().client().client_id();
      return change;
    case pv1::ProfileEvent::kTransactionRecorded:
      return TransactionChange(event.transaction_recorded().transaction());
    case pv1::ProfileEvent::kInteractionRecorded:
      return InteractionChange(event.interaction_recorded().interaction());
    case pv1::ProfileEvent::kClientErased:
      change.kind = AggregateChange::Kind::kErased;
      change.client_id = event.client_erased().client_id();
      return change;
    default:
      return change;  // updates change nothing scoring reads
  }
}

}  // namespace clienttier::scoring
