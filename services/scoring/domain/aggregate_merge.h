#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/scoring/domain/aggregate_change.h"
#include "services/scoring/domain/client_facts.h"

namespace clienttier::scoring {

// What a whole stream read adds to one client's paid day in one currency.
struct PaidDayDelta {
  std::string client_id;
  Day day = 0;
  std::string currency;
  int64_t purchases = 0;
  int64_t sessions = 0;
  int64_t spend_minor = 0;
};

// What a whole stream read adds to one client's interactions on one day
// (client_interaction_days, migration 008): the dated form of ClientDelta's counters, which a
// score as of a past day sums up to that day.
struct InteractionDayDelta {
  std::string client_id;
  Day day = 0;
  int64_t logins = 0;
  int64_t events_attended = 0;
  int64_t content_uses = 0;
  int64_t shares = 0;
};

// What a whole stream read does to one client's client_aggregates row. A client only made
// known has no day and no counts (the row is created if missing, nothing else moves).
struct ClientDelta {
  std::string client_id;
  // The latest day of the read's activity (nullopt: none); the row keeps the greater one.
  std::optional<Day> last_activity_day;
  // The earliest day of the read's activity (nullopt: none); the row keeps the smaller one, so
  // a history loaded out of order still knows when the client was first active.
  std::optional<Day> first_activity_day;
  std::optional<Day> last_login_day;
  int64_t logins = 0;
  int64_t events_attended = 0;
  int64_t content_uses = 0;
  int64_t shares = 0;
  bool erased = false;
  // The acquisition said by the latest client version of the read (acquired_version 0: the
  // read says nothing about it); the row keeps the word of the greater version.
  Day acquired_day = kNever;
  int64_t acquired_version = 0;
  std::string acquisition_channel;
  int64_t acquisition_cost_minor = 0;
  std::string acquisition_cost_currency;
};

// A read's changes merged so storage writes one row per key: paid days ordered by (client,
// day, currency), interaction days by (client, day), clients by id (the primary keys' order,
// so concurrent readers lock rows in one order). Interaction days of a client the read erases
// are left out (erasure deletes its dated rows).
struct MergedAggregateChanges {
  std::vector<PaidDayDelta> paid_days;
  std::vector<InteractionDayDelta> interaction_days;
  std::vector<ClientDelta> clients;
};

// Merges the changes of one tenant's events. Every change commutes (sums, the greatest or
// smallest day, erasure once and for all, the acquisition of the greatest client version), so
// applying the merge equals applying the changes one by one in any order. kNone and kMerged
// changes are left out (a merge does not commute with the deltas of its duplicate: the applier
// applies it between them, in stream order).
MergedAggregateChanges MergeAggregateChanges(const std::vector<AggregateChange>& changes);

}  // namespace clienttier::scoring
