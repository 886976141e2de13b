#include "services/scoring/domain/facts_builder.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "services/scoring/domain/calendar_days.h"

namespace clienttier::scoring {

namespace {

bool Within(Day day, Day as_of, int64_t window_days) { return day > as_of - window_days; }

// The row's spend in the reporting currency; nullopt when it has no rate on its day (a row
// without spend needs none).
std::optional<int64_t> SpendOf(const PaidDay& row, const SpendConversion& conversion) {
  if (row.spend_minor == 0) {
    return 0;
  }
  return conversion.ToReporting(row.spend_minor, row.currency, row.day);
}

}  // namespace

ClientFacts BuildClientFacts(const std::string& client_id, const std::vector<PaidDay>& days,
                             const ActivityCounters& activity, const SpendConversion& conversion,
                             Day as_of) {
  ClientFacts facts;
  facts.client_id = client_id;
  std::set<Day> distinct_days;
  std::set<int64_t> distinct_months;
  std::map<std::string, int64_t> unconverted;
  for (const PaidDay& row : days) {
    const int64_t occasions = row.purchases + row.sessions;
    if (row.day > as_of || occasions <= 0) {
      continue;
    }
    const std::optional<int64_t> converted = SpendOf(row, conversion);
    if (!converted) {
      unconverted[row.currency] += occasions;
    }
    const int64_t spend = converted.value_or(0);
    distinct_days.insert(row.day);
    const CivilDate date = CivilFromDay(row.day);
    distinct_months.insert(date.year * 12 + date.month - 1);
    if (facts.first_purchase_day == kNever || row.day < facts.first_purchase_day) {
      facts.first_purchase_day = row.day;
    }
    facts.last_purchase_day = std::max(facts.last_purchase_day, row.day);
    facts.purchase_count += occasions;
    facts.spend_minor += spend;
    facts.session_count += row.sessions;
    if (Within(row.day, as_of, 30)) {
      facts.purchases_30d += occasions;
      facts.spend_30d_minor += spend;
    }
    if (Within(row.day, as_of, 90)) {
      facts.purchases_90d += occasions;
      facts.spend_90d_minor += spend;
      facts.sessions_90d += row.sessions;
    }
    if (Within(row.day, as_of, 365)) {
      facts.purchases_365d += occasions;
      facts.spend_365d_minor += spend;
    }
  }
  for (const PaidDay& row : days) {
    if (row.day == facts.first_purchase_day && row.purchases + row.sessions > 0) {
      facts.first_day_spend_minor += SpendOf(row, conversion).value_or(0);
    }
  }
  facts.purchase_days = static_cast<int64_t>(distinct_days.size());
  facts.active_months = static_cast<int64_t>(distinct_months.size());
  facts.unconverted_occasions.assign(unconverted.begin(), unconverted.end());

  const Day last_activity =
      activity.last_activity_day <= as_of ? activity.last_activity_day : kNever;
  facts.last_activity_day = std::max(last_activity, facts.last_purchase_day);
  facts.last_login_day = activity.last_login_day <= as_of ? activity.last_login_day : kNever;
  facts.acquired_day = activity.acquired_day <= as_of ? activity.acquired_day : kNever;
  facts.acquisition_channel = activity.acquisition_channel;
  facts.acquisition_cost_minor = activity.acquisition_cost_minor;
  facts.acquisition_cost_currency = activity.acquisition_cost_currency;
  // Rows from before migration 007 may lack the day; the first paid day is then the best word.
  const Day first_activity =
      activity.first_activity_day <= as_of ? activity.first_activity_day : kNever;
  facts.first_activity_day = first_activity == kNever ? facts.first_purchase_day
                             : facts.first_purchase_day == kNever
                                 ? first_activity
                                 : std::min(first_activity, facts.first_purchase_day);
  facts.events_attended = activity.events_attended;
  facts.content_uses = activity.content_uses;
  facts.shares = activity.shares;
  facts.referrals_sent = activity.referrals_sent;
  facts.referrals_converted = activity.referrals_converted;
  return facts;
}

ClvClient ClvClientFromFacts(const ClientFacts& facts, Day as_of) {
  ClvClient client{};
  if (facts.first_purchase_day == kNever) {
    return client;
  }
  const double repeat_days = static_cast<double>(facts.purchase_days - 1);
  client.history.x = repeat_days;
  client.history.t_x = static_cast<double>(facts.last_purchase_day - facts.first_purchase_day);
  client.history.T = static_cast<double>(as_of - facts.first_purchase_day);
  // Per purchase day, as BG/NBD counts occasions (several purchases on one day are one).
  client.mean_spend = facts.purchase_days > 0 ? static_cast<double>(facts.spend_minor) /
                                                    static_cast<double>(facts.purchase_days)
                                              : 0.0;
  client.mean_repeat_spend =
      repeat_days > 0
          ? static_cast<double>(facts.spend_minor - facts.first_day_spend_minor) / repeat_days
          : 0.0;
  return client;
}

}  // namespace clienttier::scoring
