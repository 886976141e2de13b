#include "services/scoring/domain/aggregate_merge.h"

#include <map>
#include <tuple>
#include <utility>

namespace clienttier::scoring {

namespace {

void KeepLatest(Day day, std::optional<Day>* latest) {
  if (!latest->has_value() || day > **latest) {
    *latest = day;
  }
}

void KeepEarliest(Day day, std::optional<Day>* earliest) {
  if (!earliest->has_value() || day < **earliest) {
    *earliest = day;
  }
}

// Adds one to the counter `counter` names, in the running totals or a day's row alike.
template <typename Counters>
void Increment(ActivityCounter counter, Counters* counters) {
  switch (counter) {
    case ActivityCounter::kLogins:
      ++counters->logins;
      break;
    case ActivityCounter::kEventsAttended:
      ++counters->events_attended;
      break;
    case ActivityCounter::kContentUses:
      ++counters->content_uses;
      break;
    case ActivityCounter::kShares:
      ++counters->shares;
      break;
    case ActivityCounter::kNone:
      break;
  }
}

void CountActivity(const AggregateChange& change, ClientDelta* client) {
  KeepLatest(change.day, &client->last_activity_day);
  KeepEarliest(change.day, &client->first_activity_day);
  Increment(change.counter, client);
  if (change.login) {
    KeepLatest(change.day, &client->last_login_day);
  }
}

}  // namespace

MergedAggregateChanges MergeAggregateChanges(const std::vector<AggregateChange>& changes) {
  std::map<std::tuple<std::string, Day, std::string>, PaidDayDelta> paid_days;
  std::map<std::pair<std::string, Day>, InteractionDayDelta> interaction_days;
  std::map<std::string, ClientDelta> clients;
  for (const AggregateChange& change : changes) {
    if (change.kind == AggregateChange::Kind::kNone ||
        change.kind == AggregateChange::Kind::kMerged) {
      continue;  // a merge is not a delta: AggregateRepository::MergeClients applies it
    }
    ClientDelta& client = clients[change.client_id];
    client.client_id = change.client_id;
    switch (change.kind) {
      case AggregateChange::Kind::kPaidOccasion: {
        PaidDayDelta& day = paid_days[{change.client_id, change.day, change.currency}];
        day.client_id = change.client_id;
        day.day = change.day;
        day.currency = change.currency;
        day.purchases += change.purchases;
        day.sessions += change.sessions;
        day.spend_minor += change.spend_minor;
        if (!change.refund) {
          KeepLatest(change.day, &client.last_activity_day);
          KeepEarliest(change.day, &client.first_activity_day);
        }
        break;
      }
      case AggregateChange::Kind::kActivity:
        CountActivity(change, &client);
        if (change.counter != ActivityCounter::kNone) {
          InteractionDayDelta& day = interaction_days[{change.client_id, change.day}];
          day.client_id = change.client_id;
          day.day = change.day;
          Increment(change.counter, &day);
        }
        break;
      case AggregateChange::Kind::kErased:
        client.erased = true;
        break;
      case AggregateChange::Kind::kClientKnown:
        if (change.client_version > client.acquired_version) {
          client.acquired_version = change.client_version;
          client.acquired_day = change.acquired_day;
          client.acquisition_channel = change.acquisition_channel;
          client.acquisition_cost_minor = change.acquisition_cost_minor;
          client.acquisition_cost_currency = change.acquisition_cost_currency;
        }
        break;
      case AggregateChange::Kind::kMerged:
      case AggregateChange::Kind::kNone:
        break;
    }
  }
  MergedAggregateChanges merged;
  merged.paid_days.reserve(paid_days.size());
  for (auto& [key, day] : paid_days) {
    merged.paid_days.push_back(std::move(day));
  }
  merged.interaction_days.reserve(interaction_days.size());
  for (auto& [key, day] : interaction_days) {
    if (!clients.at(key.first).erased) {
      merged.interaction_days.push_back(std::move(day));
    }
  }
  merged.clients.reserve(clients.size());
  for (auto& [client_id, client] : clients) {
    merged.clients.push_back(std::move(client));
  }
  return merged;
}

}  // namespace clienttier::scoring
