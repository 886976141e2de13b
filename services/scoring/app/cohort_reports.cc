#include "services/scoring/app/cohort_reports.h"

#include <cstdio>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "services/scoring/domain/cohort_report.h"

namespace clienttier::scoring {

namespace {

// Clients read per page: one facts query and one paid-days query each.
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

// What the report reads of the tenant, gathered page by page.
struct CohortInputs {
  std::vector<CohortClient> cohort_clients;
  std::vector<ChannelClient> channel_clients;
  std::map<std::string, int64_t> unconverted_cost_clients;  // by channel
  int64_t without_acquisition_day = 0;
  int64_t unconverted_occasions = 0;
};

}  // namespace

v1::CohortReport CohortReports::Report(const std::string& tenant_id, Day as_of,
                                       const std::string& channel) const {
  TenantContext context;
  CohortInputs inputs;
  transactions_.Read([&](Transaction& transaction) {
    inputs = CohortInputs{};
    context = calculator_.LoadStoredContext(transaction, tenant_id);
    std::string after;
    for (;;) {
      const std::vector<ClientFacts> page = aggregates_.LoadFactsPage(
          transaction, tenant_id, context.conversion, as_of, kEveryBucket, after, kPage);
      std::vector<const ClientFacts*> chosen;
      std::vector<std::string> ids;
      for (const ClientFacts& facts : page) {
        if (channel.empty() || facts.acquisition_channel == channel) {
          chosen.push_back(&facts);
          ids.push_back(facts.client_id);
        }
      }
      std::map<std::string, std::vector<PaidDay>> days =
          aggregates_.LoadPaidDays(transaction, tenant_id, ids);
      for (const ClientFacts* facts : chosen) {
        const Day cohort_day = CohortDayOf(*facts);
        ChannelClient economics;
        economics.channel = facts->acquisition_channel;
        economics.revenue_to_date_minor = facts->spend_minor;
        economics.clv_minor = calculator_.EstimateFor(context, *facts, as_of).clv_minor;
        if (facts->acquisition_cost_minor != 0) {
          // Converted on the day the money was spent: the acquisition day, when known.
          const std::optional<int64_t> cost = context.conversion.ToReporting(
              facts->acquisition_cost_minor, facts->acquisition_cost_currency,
              cohort_day == kNever ? as_of : cohort_day);
          if (cost) {
            economics.acquisition_cost_minor = *cost;
          } else {
            ++inputs.unconverted_cost_clients[economics.channel];
          }
        }
        inputs.channel_clients.push_back(economics);
        if (cohort_day == kNever) {
          ++inputs.without_acquisition_day;
          continue;
        }
        CohortClient cohort;
        cohort.acquired_day = cohort_day;
        cohort.channel = facts->acquisition_channel;
        for (const PaidDay& row : days[facts->client_id]) {
          const int64_t occasions = row.purchases + row.sessions;
          if (row.day > as_of || occasions <= 0) {
            continue;  // later, or refunded in full: no paid occasion that day
          }
          const std::optional<int64_t> spend =
              row.spend_minor == 0
                  ? std::optional<int64_t>(0)
                  : context.conversion.ToReporting(row.spend_minor, row.currency, row.day);
          if (!spend) {
            inputs.unconverted_occasions += occasions;
          }
          cohort.paid_days.emplace_back(row.day, spend.value_or(0));
        }
        inputs.cohort_clients.push_back(std::move(cohort));
      }
      if (page.size() < static_cast<size_t>(kPage)) {
        break;
      }
      after = page.back().client_id;
    }
  });

  v1::CohortReport report;
  *report.mutable_as_of() = ToProtoTimestamp(as_of * kMicrosPerDay);
  report.set_currency(context.currency);
  report.set_acquisition_channel(channel);
  for (const CohortRow& row : BuildCohorts(inputs.cohort_clients, as_of, channel)) {
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
  for (const ChannelEconomics& economics : ChannelLtvToCac(inputs.channel_clients)) {
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
  report.set_clients(static_cast<int64_t>(inputs.cohort_clients.size()));
  report.set_clients_without_acquisition_day(inputs.without_acquisition_day);
  report.set_unconverted_occasions(inputs.unconverted_occasions);
  report.set_clv_model_version(context.model_version);
  return report;
}

}  // namespace clienttier::scoring
