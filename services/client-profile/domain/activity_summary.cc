#include "services/client-profile/domain/activity_summary.h"

#include <algorithm>
#include <map>
#include <utility>

namespace clienttier::profile {

v1::ActivitySummary SummarizeActivity(const std::string& client_id,
                                      const std::vector<TransactionGroup>& transactions,
                                      const std::vector<InteractionGroup>& interactions) {
  v1::ActivitySummary summary;
  summary.set_client_id(client_id);
  std::map<std::string, int64_t> spent_by_currency;
  std::map<std::pair<std::string, std::string>, v1::CategoryTotal> by_category;
  UnixMicros first = 0;
  UnixMicros last = 0;
  for (const auto& group : transactions) {
    // Refunds are stored with positive amounts; spend is net of them.
    const bool refund = group.kind == v1::TRANSACTION_KIND_REFUND;
    const int64_t spent = refund ? -group.spent_units : group.spent_units;
    if (refund) {
      summary.set_refund_count(summary.refund_count() + group.count);
    } else if (group.kind == v1::TRANSACTION_KIND_SESSION) {
      summary.set_session_count(summary.session_count() + group.count);
    } else {
      summary.set_purchase_count(summary.purchase_count() + group.count);
    }
    spent_by_currency[group.currency] += spent;
    auto& category = by_category[{group.currency, group.category}];
    category.set_category(group.category);
    category.set_count(category.count() + (refund ? 0 : group.count));
    category.mutable_spent()->set_currency(group.currency);
    category.mutable_spent()->set_units(category.spent().units() + spent);
    first = first == 0 ? group.first_at : std::min(first, group.first_at);
    last = std::max(last, group.last_at);
  }
  for (const auto& [currency, units] : spent_by_currency) {
    auto* money = summary.add_total_spent();
    money->set_currency(currency);
    money->set_units(units);
  }
  for (auto& [key, category] : by_category) {
    *summary.add_categories() = category;
  }
  if (first != 0) {
    *summary.mutable_first_transaction_at() = ToProtoTimestamp(first);
    *summary.mutable_last_transaction_at() = ToProtoTimestamp(last);
  }
  UnixMicros last_activity = last;
  for (const auto& group : interactions) {
    auto* count = summary.add_interactions();
    count->set_kind(group.kind);
    count->set_count(group.count);
    *count->mutable_last_at() = ToProtoTimestamp(group.last_at);
    last_activity = std::max(last_activity, group.last_at);
  }
  if (last_activity != 0) {
    *summary.mutable_last_activity_at() = ToProtoTimestamp(last_activity);
  }
  return summary;
}

}  // namespace clienttier::profile
