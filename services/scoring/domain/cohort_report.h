#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "services/scoring/domain/client_facts.h"

// The cohort and acquisition-channel reports of issue 17 part 7 (GetCohortReport), as pure
// tallies of what the report's use case reads. Money is int64 minor units of the reporting currency, net of refunds.

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
// ignored); only `channel` when it is not empty. Kept as sums while clients are added, so a
// report reads the tenant page by page (on several connections, each page into a tally of its
// own, merged at the end) and never holds every client.
class CohortTally {
 public:
  CohortTally(Day as_of, std::string channel);

  void Add(const CohortClient& client);
  // Adds another tally of the same as_of and channel.
  void Merge(const CohortTally& other);
  // Rows oldest first.
  std::vector<CohortRow> Rows() const;

 private:
  struct Month {
    int64_t active_clients = 0;
    int64_t revenue_minor = 0;
  };
  struct Cohort {
    int64_t clients = 0;
    std::map<int64_t, Month> months;  // by months since the acquisition month
  };

  Day as_of_;
  std::string channel_;
  std::map<int64_t, Cohort> cohorts_;  // by acquisition month (months since year 0)
};

// CohortTally over `clients` at once.
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

// LTV/CAC by channel, summed as clients are added (as CohortTally is).
class ChannelTally {
 public:
  void Add(const ChannelClient& client);
  void Merge(const ChannelTally& other);
  // Channels in name order (the empty channel is "unknown" to callers).
  std::vector<ChannelEconomics> Economics() const;

 private:
  std::map<std::string, ChannelEconomics> channels_;
};

// ChannelTally over `clients` at once.
std::vector<ChannelEconomics> ChannelLtvToCac(const std::vector<ChannelClient>& clients);

}  // namespace clienttier::scoring
