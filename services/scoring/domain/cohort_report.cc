#include "services/scoring/domain/cohort_report.h"

#include <algorithm>
#include <map>
#include <set>

#include "services/scoring/domain/calendar_days.h"

namespace clienttier::scoring {

namespace {

// Months since year 0, so months subtract across years.
int64_t MonthIndex(Day day) {
  const CivilDate date = CivilFromDay(day);
  return static_cast<int64_t>(date.year) * 12 + date.month - 1;
}

struct CohortTally {
  int64_t clients = 0;
  std::map<int64_t, std::set<size_t>> active;  // month offset -> clients with a paid day
  std::map<int64_t, int64_t> revenue;          // month offset -> spend
};

}  // namespace

std::vector<CohortRow> BuildCohorts(const std::vector<CohortClient>& clients, Day as_of,
                                    const std::string& channel) {
  const int64_t last_month = MonthIndex(as_of);
  std::map<int64_t, CohortTally> cohorts;  // by acquisition month
  for (size_t i = 0; i < clients.size(); ++i) {
    const CohortClient& client = clients[i];
    if (client.acquired_day == kNever || client.acquired_day > as_of ||
        (!channel.empty() && client.channel != channel)) {
      continue;
    }
    const int64_t acquired = MonthIndex(client.acquired_day);
    CohortTally& tally = cohorts[acquired];
    ++tally.clients;
    for (const auto& [day, spend] : client.paid_days) {
      if (day > as_of) {
        continue;
      }
      // Activity before the acquisition day (history loaded with a later acquired_at) counts
      // in the acquisition month, never in a negative one.
      const int64_t offset = std::max<int64_t>(0, MonthIndex(day) - acquired);
      tally.active[offset].insert(i);
      tally.revenue[offset] += spend;
    }
  }
  std::vector<CohortRow> rows;
  for (const auto& [acquired, tally] : cohorts) {
    CohortRow row;
    row.year = static_cast<int>(acquired / 12);
    row.month = static_cast<int>(acquired % 12) + 1;
    row.clients = tally.clients;
    int64_t cumulative = 0;
    for (int64_t offset = 0; acquired + offset <= last_month; ++offset) {
      CohortCell cell;
      cell.months_since = static_cast<int>(offset);
      const auto active = tally.active.find(offset);
      cell.active_clients =
          active == tally.active.end() ? 0 : static_cast<int64_t>(active->second.size());
      const auto revenue = tally.revenue.find(offset);
      cell.revenue_minor = revenue == tally.revenue.end() ? 0 : revenue->second;
      cumulative += cell.revenue_minor;
      const double n = static_cast<double>(tally.clients);
      cell.retention = static_cast<double>(cell.active_clients) / n;
      cell.cumulative_revenue_per_client_minor = static_cast<double>(cumulative) / n;
      row.cells.push_back(cell);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<ChannelEconomics> ChannelLtvToCac(const std::vector<ChannelClient>& clients) {
  std::map<std::string, ChannelEconomics> channels;
  for (const ChannelClient& client : clients) {
    ChannelEconomics& economics = channels[client.channel];
    economics.channel = client.channel;
    ++economics.clients;
    economics.acquisition_cost_minor += client.acquisition_cost_minor;
    economics.revenue_to_date_minor += client.revenue_to_date_minor;
    economics.clv_minor += client.clv_minor;
  }
  std::vector<ChannelEconomics> out;
  for (auto& [name, economics] : channels) {
    if (economics.acquisition_cost_minor > 0) {
      // Per client on both sides cancels: total value over total cost.
      economics.ltv_to_cac =
          static_cast<double>(economics.revenue_to_date_minor + economics.clv_minor) /
          static_cast<double>(economics.acquisition_cost_minor);
    }
    out.push_back(std::move(economics));
  }
  return out;
}

}  // namespace clienttier::scoring
