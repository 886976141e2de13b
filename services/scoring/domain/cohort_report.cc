#include "services/scoring/domain/cohort_report.h"

#include <algorithm>
#include <utility>

#include "services/scoring/domain/calendar_days.h"

namespace clienttier::scoring {

namespace {

// Months since year 0, so months subtract across years.
int64_t MonthIndex(Day day) {
  const CivilDate date = CivilFromDay(day);
  return static_cast<int64_t>(date.year) * 12 + date.month - 1;
}

}  // namespace

CohortTally::CohortTally(Day as_of, std::string channel)
    : as_of_(as_of), channel_(std::move(channel)) {}

void CohortTally::Add(const CohortClient& client) {
  if (client.acquired_day == kNever || client.acquired_day > as_of_ ||
      (!channel_.empty() && client.channel != channel_)) {
    return;
  }
  const int64_t acquired = MonthIndex(client.acquired_day);
  Cohort& cohort = cohorts_[acquired];
  ++cohort.clients;
  // The client counts once in each month it paid in, however many days.
  std::vector<int64_t> active;
  active.reserve(client.paid_days.size());
  for (const auto& [day, spend] : client.paid_days) {
    if (day > as_of_) {
      continue;
    }
    // Activity before the acquisition day (history loaded with a later acquired_at) counts
    // in the acquisition month, never in a negative one.
    const int64_t offset = std::max<int64_t>(0, MonthIndex(day) - acquired);
    active.push_back(offset);
    cohort.months[offset].revenue_minor += spend;
  }
  std::sort(active.begin(), active.end());
  active.erase(std::unique(active.begin(), active.end()), active.end());
  for (const int64_t offset : active) {
    ++cohort.months[offset].active_clients;
  }
}

void CohortTally::Merge(const CohortTally& other) {
  for (const auto& [acquired, theirs] : other.cohorts_) {
    Cohort& cohort = cohorts_[acquired];
    cohort.clients += theirs.clients;
    for (const auto& [offset, month] : theirs.months) {
      cohort.months[offset].active_clients += month.active_clients;
      cohort.months[offset].revenue_minor += month.revenue_minor;
    }
  }
}

std::vector<CohortRow> CohortTally::Rows() const {
  const int64_t last_month = MonthIndex(as_of_);
  std::vector<CohortRow> rows;
  for (const auto& [acquired, cohort] : cohorts_) {
    CohortRow row;
    row.year = static_cast<int>(acquired / 12);
    row.month = static_cast<int>(acquired % 12) + 1;
    row.clients = cohort.clients;
    int64_t cumulative = 0;
    for (int64_t offset = 0; acquired + offset <= last_month; ++offset) {
      CohortCell cell;
      cell.months_since = static_cast<int>(offset);
      const auto month = cohort.months.find(offset);
      if (month != cohort.months.end()) {
        cell.active_clients = month->second.active_clients;
        cell.revenue_minor = month->second.revenue_minor;
      }
      cumulative += cell.revenue_minor;
      const double n = static_cast<double>(cohort.clients);
      cell.retention = static_cast<double>(cell.active_clients) / n;
      cell.cumulative_revenue_per_client_minor = static_cast<double>(cumulative) / n;
      row.cells.push_back(cell);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<CohortRow> BuildCohorts(const std::vector<CohortClient>& clients, Day as_of,
                                    const std::string& channel) {
  CohortTally tally(as_of, channel);
  for (const CohortClient& client : clients) {
    tally.Add(client);
  }
  return tally.Rows();
}

void ChannelTally::Add(const ChannelClient& client) {
  ChannelEconomics& economics = channels_[client.channel];
  economics.channel = client.channel;
  ++economics.clients;
  economics.acquisition_cost_minor += client.acquisition_cost_minor;
  economics.revenue_to_date_minor += client.revenue_to_date_minor;
  economics.clv_minor += client.clv_minor;
}

void ChannelTally::Merge(const ChannelTally& other) {
  for (const auto& [name, theirs] : other.channels_) {
    ChannelEconomics& economics = channels_[name];
    economics.channel = name;
    economics.clients += theirs.clients;
    economics.acquisition_cost_minor += theirs.acquisition_cost_minor;
    economics.revenue_to_date_minor += theirs.revenue_to_date_minor;
    economics.clv_minor += theirs.clv_minor;
  }
}

std::vector<ChannelEconomics> ChannelTally::Economics() const {
  std::vector<ChannelEconomics> out;
  for (const auto& channel : channels_) {
    ChannelEconomics economics = channel.second;
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

std::vector<ChannelEconomics> ChannelLtvToCac(const std::vector<ChannelClient>& clients) {
  ChannelTally tally;
  for (const ChannelClient& client : clients) {
    tally.Add(client);
  }
  return tally.Economics();
}

}  // namespace clienttier::scoring
