#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace clienttier::scoring {

// Model time is whole UTC days since the Unix epoch (DESIGN.md: "Model time is measured in
// days"). -1 means "never".
using Day = int64_t;
inline constexpr Day kNever = -1;

// Everything scoring knows about one client, derived from its incremental aggregates (never
// from raw transactions). Money is integer minor units in the tenant's currency.
struct ClientFacts {
  std::string client_id;

  // Purchases (transaction kind PURCHASE) and sessions (kind SESSION) both carry revenue;
  // "purchase" below means either, as both are paid occasions.
  Day first_purchase_day = kNever;
  // The day the organisation says it acquired the client (client-profile's
  // acquisition.acquired_at); kNever when it did not say or it is after as_of.
  Day acquired_day = kNever;
  // How and at what cost it was acquired (client-profile's acquisition; cost in
  // `acquisition_cost_currency`, unconverted; 0 and "" when not given).
  std::string acquisition_channel;
  int64_t acquisition_cost_minor = 0;
  std::string acquisition_cost_currency;
  Day last_purchase_day = kNever;
  int64_t purchase_count = 0;         // lifetime paid transactions
  int64_t purchase_days = 0;          // distinct days with a paid transaction (BG/NBD: x + 1)
  int64_t spend_minor = 0;            // lifetime
  int64_t first_day_spend_minor = 0;  // spend on first_purchase_day (left out of Gamma-Gamma)
  int64_t session_count = 0;          // lifetime SESSION transactions
  int64_t active_months = 0;          // distinct calendar months with a paid transaction
  // Paid occasions whose spend could not be converted into the tenant's reporting currency (no
  // exchange rate in effect on their day), as (currency, occasions) in currency order. They
  // count as occasions; their spend is in none of the money figures. Never silently dropped:
  // FitClvModel and ExplainScore name them.
  std::vector<std::pair<std::string, int64_t>> unconverted_occasions;

  // Trailing windows ending at as_of (inclusive of as_of's day, 30/90/365 days long).
  int64_t purchases_30d = 0;
  int64_t purchases_90d = 0;
  int64_t purchases_365d = 0;
  int64_t spend_30d_minor = 0;
  int64_t spend_90d_minor = 0;
  int64_t spend_365d_minor = 0;
  int64_t sessions_90d = 0;

  // Interactions.
  Day first_activity_day = kNever;  // any transaction or interaction (kNever: after as_of)
  Day last_activity_day = kNever;   // any transaction or interaction
  Day last_login_day = kNever;
  int64_t events_attended = 0;
  int64_t content_uses = 0;
  int64_t shares = 0;

  // From the referral service (zero until it exists or when it is down).
  int64_t referrals_sent = 0;
  int64_t referrals_converted = 0;
};

}  // namespace clienttier::scoring
