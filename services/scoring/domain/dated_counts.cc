#include "services/scoring/domain/dated_counts.h"

#include <algorithm>

namespace clienttier::scoring {

namespace {

bool OnOrBefore(Day day, Day as_of) { return day != kNever && day <= as_of; }

Day Earliest(Day a, Day b) {
  if (a == kNever) {
    return b;
  }
  return b == kNever ? a : std::min(a, b);
}

}  // namespace

void AddInteractionDays(const std::vector<InteractionDay>& days, Day as_of, DatedCounts* counts) {
  for (const InteractionDay& day : days) {
    if (day.day > as_of) {
      continue;
    }
    counts->logins += day.logins;
    counts->events_attended += day.events_attended;
    counts->content_uses += day.content_uses;
    counts->shares += day.shares;
  }
}

void AddReferrals(const std::vector<DatedReferral>& referrals, Day as_of, DatedCountsById* counts) {
  for (const DatedReferral& referral : referrals) {
    const bool registered = OnOrBefore(referral.registered_day, as_of);
    const bool converted = OnOrBefore(referral.converted_day, as_of);
    if (!registered && !converted) {
      continue;
    }
    DatedCounts& client = (*counts)[referral.referrer_client_id];
    // A conversion implies the registration, even when an event dated it oddly.
    client.referrals_sent += 1;
    client.referrals_converted += converted ? 1 : 0;
  }
}

DatedReferral MergeDatedReferrals(const DatedReferral& stored, const DatedReferral& incoming) {
  DatedReferral merged = stored;
  if (merged.referrer_client_id.empty()) {
    merged.referrer_client_id = incoming.referrer_client_id;
  }
  merged.registered_day = Earliest(stored.registered_day, incoming.registered_day);
  merged.converted_day = Earliest(stored.converted_day, incoming.converted_day);
  return merged;
}

void ApplyDatedCounts(const DatedCountsById& counts, std::vector<ClientFacts>* facts) {
  static const DatedCounts kNone;
  for (ClientFacts& client : *facts) {
    const auto found = counts.find(client.client_id);
    const DatedCounts& dated = found == counts.end() ? kNone : found->second;
    client.events_attended = dated.events_attended;
    client.content_uses = dated.content_uses;
    client.shares = dated.shares;
    client.referrals_sent = dated.referrals_sent;
    client.referrals_converted = dated.referrals_converted;
  }
}

}  // namespace clienttier::scoring
