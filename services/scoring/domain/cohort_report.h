#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "services/scoring/domain/client_facts.h"

// The cohort and acquisition-channel reports of issue 17 part 7, as pure functions over what
// the report's use case reads (not wired to an RPC yet: GetCohortReport is left for the next
// step). Money is int64 minor units of the reporting currency, net of refunds.

namespace clienttier::scoring {

// One client as the cohort report sees it.
struct CohortClient {
  // The day the client was acquired: acquired_at when the tenant gave it, else the first
  // activity (issue 17 part 1); kNever: not yet active, left out.
  Day acquired_day = kNever;
  std::string channel;  // acquisition channel; empty when unknown
  // Paid days with their spend, any order.
  std::vector<std::pair<Day, int64_t>> paid_days;
};

struct CohortCell {
  int months_since = 0;        // calendar months after the acquisition month (0 = itself)
  int64_t active_clients = 0;  // cohort clients with a paid day in that month
  double retention = 0.0;      // active_clients / cohort clients, 0..1
  int64_t revenue_minor = 0;   // the cohort's spend in that month
  // The cohort's spend from its acquisition month through this one, per cohort client.
  double cumulative_revenue_per_client_minor = 0.0;
};

struct CohortRow {
  int year = 0;
  int month = 0;  // 1..12: the acquisition month
  int64_t clients = 0;
  std::vector<CohortCell> cells;  // months 0..(as_of's month - acquisition month), in order
};

// Clients by acquisition month x months since, up to as_of's month (paid days after as_of are
// ignored); only `channel` when it is not empty. Rows oldest first.
std::vector<CohortRow> BuildCohorts(const std::vector<CohortClient>& clients, Day as_of,
                                    const std::string& channel);

// One channel's acquisition economics.
struct ChannelEconomics {
  std::string channel;
  int64_t clients = 0;
  int64_t acquisition_cost_minor = 0;  // summed stored cost
  int64_t revenue_to_date_minor = 0;   // summed lifetime spend
  int64_t clv_minor = 0;               // summed predicted CLV over the horizon
  // (revenue to date + CLV) per client over cost per client; 0 when the channel cost nothing
  // (a ratio over zero cost is not a figure; `acquisition_cost_minor` = 0 says why).
  double ltv_to_cac = 0.0;
};

struct ChannelClient {
  std::string channel;
  int64_t acquisition_cost_minor = 0;
  int64_t revenue_to_date_minor = 0;
  int64_t clv_minor = 0;
};

// LTV/CAC by channel, channels in name order (the empty channel is "unknown" to callers).
std::vector<ChannelEconomics> ChannelLtvToCac(const std::vector<ChannelClient>& clients);

}  // namespace clienttier::scoring
