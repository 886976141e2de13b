#include "services/scoring/app/cohort_reports.h"

#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "services/scoring/app/read_ranges.h"
#include "services/scoring/domain/cohort_report.h"

namespace clienttier::scoring {

namespace {

// Clients per range read: one facts query and one paid-days query each.
constexpr int kPage = 5000;

// Where a client's cohort starts: the acquisition day the tenant gave, else the first activity.
Day CohortDayOf(const ClientFacts& facts) {
  return facts.acquired_day != kNever ? facts.acquired_day : facts.first_activity_day;
}

::clienttier::common::v1::Money MoneyOf(int64_t minor, const std::string& currency) {
  ::clienttier::common::v1::Money money;
  money.set_units(minor);
  money.set_currency(currency);
  return money;
}

std::string MonthName(int year, int month) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d", year, month);
  return text;
}

// What the report keeps of the tenant: sums, added to range by range.
struct CohortInputs {
  CohortInputs(Day as_of, const std::string& channel) : cohorts(as_of, channel) {}

  // Adds another range's sums.
  void Merge(const CohortInputs& other) {
    cohorts.Merge(other.cohorts);
    channels.Merge(other.channels);
    for (const auto& [name, clients] : other.unconverted_cost_clients) {
      unconverted_cost_clients[name] += clients;
    }
    cohort_clients += other.cohort_clients;
    without_acquisition_day += other.without_acquisition_day;
    unconverted_occasions += other.unconverted_occasions;
  }

  CohortTally cohorts;
  ChannelTally channels;
  std::map<std::string, int64_t> unconverted_cost_clients;  // by channel
  int64_t cohort_clients = 0;                               // with an acquisition day
  int64_t without_acquisition_day = 0;
  int64_t unconverted_occasions = 0;
};

// Adds one client (of the report's channel) to `inputs`: its channel's cost, revenue and CLV,
// and its paid days to its acquisition month's cohort.
void AddClient(const ScoreCalculator& calculator, const TenantContext& context,
               const ClientHistory& history, Day as_of, CohortInputs* inputs) {
  const ClientFacts& facts = history.facts;
  const Day cohort_day = CohortDayOf(facts);
  ChannelClient economics;
  economics.channel = facts.acquisition_channel;
  economics.revenue_to_date_minor = facts.spend_minor;
  economics.clv_minor = calculator.EstimateFor(context, facts, as_of).clv_minor;
  if (facts.acquisition_cost_minor != 0) {
    // Converted on the day the money was spent: the acquisition day, when known.
    const std::optional<int64_t> cost = context.conversion.ToReporting(
        facts.acquisition_cost_minor, facts.acquisition_cost_currency,
        cohort_day == kNever ? as_of : cohort_day);
    if (cost) {
      economics.acquisition_cost_minor = *cost;
    } else {
      ++inputs->unconverted_cost_clients[economics.channel];
    }
  }
  inputs->channels.Add(economics);
  if (cohort_day == kNever) {
    ++inputs->without_acquisition_day;
    return;
  }
  CohortClient cohort;
  cohort.acquired_day = cohort_day;
  cohort.channel = facts.acquisition_channel;
  for (const PaidDay& row : history.paid_days) {
    const int64_t occasions = row.purchases + row.sessions;
    if (row.day > as_of || occasions <= 0) {
      continue;  // later, or refunded in full: no paid occasion that day
    }
    const std::optional<int64_t> spend =
        row.spend_minor == 0
            ? std::optional<int64_t>(0)
            : context.conversion.ToReporting(row.spend_minor, row.currency, row.day);
    if (!spend) {
      inputs->unconverted_occasions += occasions;
    }
    cohort.paid_days.emplace_back(row.day, spend.value_or(0));
  }
  inputs->cohorts.Add(cohort);
  ++inputs->cohort_clients;
}

}  // namespace

v1::CohortReport CohortReports::Report(const std::string& tenant_id, Day as_of,
                                       const std::string& channel) const {
  TenantContext context;
  transactions_.Read([&](Transaction& transaction) {
    context = calculator_.LoadStoredContext(transaction, tenant_id);
  });
  // The tenant in ranges of kPage clients (facts and paid days, two range reads each) on
  // `readers_` connections at once, each range summed on its own and merged: a million clients
  // are never held at once, and one range is summed while another waits on MariaDB.
  ReadRanges ranges(
      [&](int bucket, const std::string& after, int limit) {
        std::optional<std::string> last;
        transactions_.Read([&](Transaction& transaction) {
          last = aggregates_.PageEnd(transaction, tenant_id, bucket, after, limit);
        });
        return last;
      },
      kPage);
  std::mutex mutex;
  CohortInputs inputs(as_of, channel);  // guarded by mutex
  ReadEachRange(ranges, readers_, [&](size_t /*index*/, const ClientRange& range) {
    std::vector<ClientHistory> histories;
    transactions_.Read([&](Transaction& transaction) {
      histories =
          aggregates_.LoadHistoriesRange(transaction, tenant_id, context.conversion, as_of, range);
    });
    CohortInputs sums(as_of, channel);
    for (const ClientHistory& history : histories) {
      if (channel.empty() || history.facts.acquisition_channel == channel) {
        AddClient(calculator_, context, history, as_of, &sums);
      }
    }
    std::lock_guard<std::mutex> lock(mutex);
    inputs.Merge(sums);
  });

  v1::CohortReport report;
  *report.mutable_as_of() = ToProtoTimestamp(as_of * kMicrosPerDay);
  report.set_currency(context.currency);
  report.set_acquisition_channel(channel);
  for (const CohortRow& row : inputs.cohorts.Rows()) {
    v1::CohortRow& out = *report.add_cohorts();
    out.set_acquisition_month(MonthName(row.year, row.month));
    out.set_clients(row.clients);
    for (const CohortCell& cell : row.cells) {
      v1::CohortCell& proto = *out.add_cells();
      proto.set_months_since(cell.months_since);
      proto.set_active_clients(cell.active_clients);
      proto.set_retention_percent(100.0 * cell.retention);
      *proto.mutable_revenue() = MoneyOf(cell.revenue_minor, context.currency);
      proto.set_cumulative_revenue_per_client_minor(cell.cumulative_revenue_per_client_minor);
    }
  }
  for (const ChannelEconomics& economics : inputs.channels.Economics()) {
    v1::ChannelEconomics& out = *report.add_channels();
    out.set_channel(economics.channel);
    out.set_clients(economics.clients);
    *out.mutable_acquisition_cost() = MoneyOf(economics.acquisition_cost_minor, context.currency);
    *out.mutable_revenue_to_date() = MoneyOf(economics.revenue_to_date_minor, context.currency);
    *out.mutable_clv() = MoneyOf(economics.clv_minor, context.currency);
    out.set_ltv_to_cac(economics.ltv_to_cac);
    const auto unconverted = inputs.unconverted_cost_clients.find(economics.channel);
    out.set_unconverted_cost_clients(
        unconverted == inputs.unconverted_cost_clients.end() ? 0 : unconverted->second);
  }
  report.set_clients(inputs.cohort_clients);
  report.set_clients_without_acquisition_day(inputs.without_acquisition_day);
  report.set_unconverted_occasions(inputs.unconverted_occasions);
  report.set_clv_model_version(context.model_version);
  return report;
}

}  // namespace clienttier::scoring
