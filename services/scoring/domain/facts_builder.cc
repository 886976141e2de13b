#include "services/scoring/domain/facts_builder.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

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

int64_t MonthOf(Day day) {
  const CivilDate date = CivilFromDay(day);
  return date.year * 12 + date.month - 1;
}

// Distinct days and calendar months of `days`, sorted in place.
std::pair<int64_t, int64_t> CountDistinct(std::vector<Day>& days) {
  std::sort(days.begin(), days.end());
  int64_t distinct_days = 0;
  int64_t distinct_months = 0;
  int64_t last_month = -1;
  for (size_t i = 0; i < days.size(); ++i) {
    if (i > 0 && days[i] == days[i - 1]) {
      continue;
    }
    ++distinct_days;
    const int64_t month = MonthOf(days[i]);
    if (month != last_month) {
      ++distinct_months;
      last_month = month;
    }
  }
  return {distinct_days, distinct_months};
}

// Counts distinct days and months as days come in ascending order, allocating nothing (rows
// come in key order: a client's days ascending); `ordered()` says whether they did, and when
// they did not the counts are meaningless and CountDistinct must count them.
class OrderedDistinctDays {
 public:
  void Add(Day day) {
    if (day < last_day_) {
      ordered_ = false;
    }
    if (!ordered_ || day == last_day_) {
      return;
    }
    ++days_;
    const int64_t month = MonthOf(day);
    if (month != last_month_) {
      ++months_;
      last_month_ = month;
    }
    last_day_ = day;
  }
  bool ordered() const { return ordered_; }
  std::pair<int64_t, int64_t> Counts() const { return {days_, months_}; }

 private:
  bool ordered_ = true;
  Day last_day_ = std::numeric_limits<Day>::min();
  int64_t last_month_ = -1;
  int64_t days_ = 0;
  int64_t months_ = 0;
};

}  // namespace

ClientFacts BuildClientFacts(const std::string& client_id, const std::vector<PaidDay>& days,
                             const ActivityCounters& activity, const SpendConversion& conversion,
                             Day as_of) {
  return BuildClientFacts(client_id, days.data(), days.size(), activity, conversion, as_of);
}

ClientFacts BuildClientFacts(const std::string& client_id, const PaidDay* days_begin, size_t count,
                             const ActivityCounters& activity, const SpendConversion& conversion,
                             Day as_of) {
  const PaidDay* const days_end = days_begin + count;
  ClientFacts facts;
  facts.client_id = client_id;
  OrderedDistinctDays distinct;
  std::map<std::string, int64_t> unconverted;
  for (const PaidDay* row_at = days_begin; row_at != days_end; ++row_at) {
    const PaidDay& row = *row_at;
    const int64_t occasions = row.purchases + row.sessions;
    if (row.day > as_of || occasions <= 0) {
      continue;
    }
    const std::optional<int64_t> converted = SpendOf(row, conversion);
    if (!converted) {
      unconverted[row.currency] += occasions;
    }
    const int64_t spend = converted.value_or(0);
    distinct.Add(row.day);
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
  for (const PaidDay* row_at = days_begin; row_at != days_end; ++row_at) {
    const PaidDay& row = *row_at;
    if (row.day == facts.first_purchase_day && row.purchases + row.sessions > 0) {
      facts.first_day_spend_minor += SpendOf(row, conversion).value_or(0);
    }
  }
  if (distinct.ordered()) {
    std::tie(facts.purchase_days, facts.active_months) = distinct.Counts();
  } else {
    std::vector<Day> paid_days;
    for (const PaidDay* row_at = days_begin; row_at != days_end; ++row_at) {
      const PaidDay& row = *row_at;
      if (row.day <= as_of && row.purchases + row.sessions > 0) {
        paid_days.push_back(row.day);
      }
    }
    std::tie(facts.purchase_days, facts.active_months) = CountDistinct(paid_days);
  }
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
