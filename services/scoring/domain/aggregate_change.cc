#include "services/scoring/domain/aggregate_change.h"

#include "common/time/utc_time.h"
#include "services/scoring/domain/calendar_days.h"

namespace clienttier::scoring {

namespace pv1 = ::clienttier::profile::v1;

namespace {

// A refund reduces the refunded transaction's day: spend is net on the day it was earned (so
// monetary value and Gamma-Gamma's spend per purchase are net), and a purchase refunded in full
// leaves that day's count, so it is no longer a purchase day when it was the only one.
AggregateChange RefundChange(const pv1::Transaction& transaction) {
  AggregateChange change;
  if (!transaction.has_refunded()) {
    return change;  // kNone: client-profile always names the original; nothing to take from
  }
  const pv1::RefundedTransaction& refunded = transaction.refunded();
  change.kind = AggregateChange::Kind::kPaidOccasion;
  change.refund = true;
  change.client_id = transaction.client_id();
  change.day = DayOfMicros(FromProtoTimestamp(refunded.occurred_at()));
  change.currency = transaction.amount().currency();
  change.spend_minor = -transaction.amount().units();
  if (refunded.fully_refunded()) {
    const bool session = refunded.kind() == pv1::TRANSACTION_KIND_SESSION;
    change.purchases = session ? 0 : -1;
    change.sessions = session ? -1 : 0;
  }
  return change;
}

AggregateChange TransactionChange(const pv1::Transaction& transaction) {
  if (transaction.kind() == pv1::TRANSACTION_KIND_REFUND) {
    return RefundChange(transaction);
  }
  AggregateChange change;
  change.kind = AggregateChange::Kind::kPaidOccasion;
  change.client_id = transaction.client_id();
  change.day = DayOfMicros(FromProtoTimestamp(transaction.occurred_at()));
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
  change.day = DayOfMicros(FromProtoTimestamp(interaction.occurred_at()));
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

// What a client event says about the acquisition, with the version that says it.
AggregateChange ClientKnownChange(const pv1::Client& client) {
  AggregateChange change;
  change.kind = AggregateChange::Kind::kClientKnown;
  change.client_id = client.client_id();
  change.client_version = client.version();
  if (client.acquisition().has_acquired_at()) {
    change.acquired_day = DayOfMicros(FromProtoTimestamp(client.acquisition().acquired_at()));
  }
  change.acquisition_channel = client.acquisition().channel();
  change.acquisition_cost_minor = client.acquisition().cost().units();
  change.acquisition_cost_currency = client.acquisition().cost().currency();
  return change;
}

bool AcquisitionChanged(const pv1::ClientUpdated& updated) {
  for (const auto& field : updated.changed_fields()) {
    if (field == "acquisition") {
      return true;
    }
  }
  return false;
}

}  // namespace

AggregateChange AggregateChangeOf(const pv1::ProfileEvent& event) {
  AggregateChange change;
  switch (event.payload_case()) {
    case pv1::ProfileEvent::kClientCreated:
      return ClientKnownChange(event.client_created().client());
    case pv1::ProfileEvent::kClientUpdated:
      if (AcquisitionChanged(event.client_updated())) {
        return ClientKnownChange(event.client_updated().client());
      }
      return change;  // other updates change nothing scoring reads
    case pv1::ProfileEvent::kTransactionRecorded:
      return TransactionChange(event.transaction_recorded().transaction());
    case pv1::ProfileEvent::kInteractionRecorded:
      return InteractionChange(event.interaction_recorded().interaction());
    case pv1::ProfileEvent::kClientErased:
      change.kind = AggregateChange::Kind::kErased;
      change.client_id = event.client_erased().client_id();
      return change;
    case pv1::ProfileEvent::kClientsMerged:
      change.kind = AggregateChange::Kind::kMerged;
      change.client_id = event.clients_merged().duplicate_client_id();
      change.survivor_id = event.clients_merged().survivor_client_id();
      return change;
    default:
      return change;  // updates change nothing scoring reads
  }
}

}  // namespace clienttier::scoring
