#include "services/scoring/domain/aggregate_change.h"

#include <utility>

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

std::vector<AggregateChange> AggregateChangesOf(const pv1::ProfileEvent& event) {
  std::vector<AggregateChange> changes;
  const auto add = [&changes](AggregateChange change) {
    if (change.kind != AggregateChange::Kind::kNone) {
      changes.push_back(std::move(change));
    }
  };
  switch (event.payload_case()) {
    case pv1::ProfileEvent::kClientCreated:
      add(ClientKnownChange(event.client_created().client()));
      break;
    case pv1::ProfileEvent::kClientUpdated:
      if (AcquisitionChanged(event.client_updated())) {
        add(ClientKnownChange(event.client_updated().client()));
      }
      break;  // other updates change nothing scoring reads
    case pv1::ProfileEvent::kTransactionRecorded:
      add(TransactionChange(event.transaction_recorded().transaction()));
      break;
    case pv1::ProfileEvent::kTransactionsRecorded:
      changes.reserve(static_cast<size_t>(event.transactions_recorded().transactions_size()));
      for (const pv1::Transaction& transaction : event.transactions_recorded().transactions()) {
        add(TransactionChange(transaction));
      }
      break;
    case pv1::ProfileEvent::kInteractionRecorded:
      add(InteractionChange(event.interaction_recorded().interaction()));
      break;
    case pv1::ProfileEvent::kInteractionsRecorded:
      changes.reserve(static_cast<size_t>(event.interactions_recorded().interactions_size()));
      for (const pv1::Interaction& interaction : event.interactions_recorded().interactions()) {
        add(InteractionChange(interaction));
      }
      break;
    case pv1::ProfileEvent::kClientErased: {
      AggregateChange change;
      change.kind = AggregateChange::Kind::kErased;
      change.client_id = event.client_erased().client_id();
      add(std::move(change));
      break;
    }
    case pv1::ProfileEvent::kClientsMerged: {
      AggregateChange change;
      change.kind = AggregateChange::Kind::kMerged;
      change.client_id = event.clients_merged().duplicate_client_id();
      change.survivor_id = event.clients_merged().survivor_client_id();
      add(std::move(change));
      break;
    }
    default:
      break;  // a payload this version does not know changes nothing it reads
  }
  return changes;
}

}  // namespace clienttier::scoring
