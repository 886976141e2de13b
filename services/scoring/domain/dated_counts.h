#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "services/scoring/domain/client_facts.h"

namespace clienttier::scoring {

// A client's interactions on one UTC day (client_interaction_days, migration 008).
struct InteractionDay {
  Day day = 0;
  int64_t logins = 0;
  int64_t events_attended = 0;
  int64_t content_uses = 0;
  int64_t shares = 0;
};

// One referral as referral's events date it (client_referral_dates): the referrer, the day the
// referee registered and the day it converted (kNever until then).
struct DatedReferral {
  std::string referral_id;
  std::string referrer_client_id;
  Day registered_day = kNever;
  Day converted_day = kNever;
};

// A client's interaction counters and referral counts up to a day: what a score as of that day
// uses instead of today's running totals.
struct DatedCounts {
  int64_t logins = 0;
  int64_t events_attended = 0;
  int64_t content_uses = 0;
  int64_t shares = 0;
  int64_t referrals_sent = 0;       // referrals registered on or before the day
  int64_t referrals_converted = 0;  // referrals converted on or before the day
};

using DatedCountsById = std::map<std::string, DatedCounts>;

// Adds the interaction days on or before `as_of` to `counts`.
void AddInteractionDays(const std::vector<InteractionDay>& days, Day as_of, DatedCounts* counts);

// Counts, per referrer, the referrals registered and converted on or before `as_of`.
void AddReferrals(const std::vector<DatedReferral>& referrals, Day as_of, DatedCountsById* counts);

// Two events of one referral (or a redelivery) as one row: the earliest registration day, the
// earliest conversion day (a conversion is never undone), the first referrer seen.
DatedReferral MergeDatedReferrals(const DatedReferral& stored, const DatedReferral& incoming);

// Replaces every client's interaction counters and referral counts with those of `counts` (zero
// for a client absent from it): the facts as of the day the counts were summed to.
void ApplyDatedCounts(const DatedCountsById& counts, std::vector<ClientFacts>* facts);

}  // namespace clienttier::scoring
