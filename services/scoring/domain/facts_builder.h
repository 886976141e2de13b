#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "services/scoring/domain/client_facts.h"
#include "services/scoring/domain/clv.h"
#include "services/scoring/domain/exchange_rates.h"

namespace clienttier::scoring {

// One row of paid activity: a client's transactions on one UTC day in one currency.
struct PaidDay {
  Day day = 0;
  std::string currency;
  int64_t purchases = 0;  // transactions of kind PURCHASE
  int64_t sessions = 0;   // transactions of kind SESSION
  int64_t spend_minor = 0;
};

// Non-paid activity counters of a client.
struct ActivityCounters {
  Day last_activity_day = kNever;
  Day last_login_day = kNever;
  Day first_activity_day = kNever;
  Day acquired_day = kNever;  // given by the organisation (ClientFacts::acquired_day)
  std::string acquisition_channel;
  int64_t acquisition_cost_minor = 0;
  std::string acquisition_cost_currency;
  int64_t events_attended = 0;
  int64_t content_uses = 0;
  int64_t shares = 0;
  // The referral service's last report (see ClientFacts).
  int64_t referrals_sent = 0;
  int64_t referrals_converted = 0;
};

// Derives everything the rules read from the stored aggregates, as of `as_of` (days after it
// are ignored, so a score can be recomputed for a past day). Both purchases and sessions are
// paid occasions, in any currency. Spend is in the reporting currency of `conversion`: a day's
// spend in another currency is converted with the rate in effect on that day (the day's sum,
// rounded once); without such a rate it is left out and counted in unconverted_occasions.
ClientFacts BuildClientFacts(const std::string& client_id, const std::vector<PaidDay>& days,
                             const ActivityCounters& activity, const SpendConversion& conversion,
                             Day as_of);
// The same over days[0, count) (a batch keeps a page's paid days in one vector).
ClientFacts BuildClientFacts(const std::string& client_id, const PaidDay* days, size_t count,
                             const ActivityCounters& activity, const SpendConversion& conversion,
                             Day as_of);

// The CLV model's view of a client (x = repeat purchase days, t_x and T from the first
// purchase, mean spend of the repeat purchases with the first day left out).
ClvClient ClvClientFromFacts(const ClientFacts& facts, Day as_of);

}  // namespace clienttier::scoring
