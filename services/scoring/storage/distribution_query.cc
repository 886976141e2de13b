#include "services/scoring/storage/distribution_query.h"

#include <map>

#include "common/db/sql_helpers.h"
#include "services/scoring/domain/lifecycle.h"
#include "services/scoring/domain/pareto.h"
#include "services/scoring/domain/quadrant.h"

namespace clienttier::scoring {

namespace v1 = ::clienttier::scoring::v1;

namespace {

const std::vector<double> kParetoShares = {0.01, 0.05, 0.1, 0.2, 0.5, 1.0};

void AddCount(google::protobuf::RepeatedPtrField<v1::NamedCount>* counts, const std::string& name,
              int64_t count) {
  auto* entry = counts->Add();
  entry->set_name(name);
  entry->set_count(count);
}

}  // namespace

v1::TierDistribution QueryDistribution(sql::Connection& connection, const std::string& tenant_id,
                                       const std::string& currency) {
  v1::TierDistribution distribution;
  std::map<int, int64_t> tier_clients;
  std::map<int, int64_t> tier_revenue;
  std::map<int, int64_t> quadrants;
  std::map<int, int64_t> lifecycles;
  std::map<std::string, int64_t> segments;
  std::vector<int64_t> revenue;
  int64_t total_revenue = 0;
  // One pass over the narrow columns (no payloads): a million rows stream in a few seconds.
  auto select =
      Prepare(connection,
              "SELECT tier, lifecycle, quadrant, rfm_segment, value_12m_minor FROM scores "
              "WHERE tenant_id = ?");
  select->setString(1, tenant_id);
  for (auto rows = Query(*select); rows->next();) {
    const int tier = rows->getInt(1);
    const int64_t value = rows->getInt64(5);
    ++tier_clients[tier];
    tier_revenue[tier] += value;
    ++lifecycles[rows->getInt(2)];
    ++quadrants[rows->getInt(3)];
    const std::string segment = rows->getString(4);
    if (!segment.empty()) {
      ++segments[segment];
    }
    revenue.push_back(value);
    total_revenue += value;
  }
  distribution.set_total_clients(static_cast<int64_t>(revenue.size()));
  for (const int tier : {1, 2, 3}) {
    auto* bucket = distribution.add_tiers();
    bucket->set_tier(static_cast<v1::Tier>(tier));
    bucket->set_clients(tier_clients[tier]);
    bucket->mutable_revenue_12m()->set_units(tier_revenue[tier]);
    bucket->mutable_revenue_12m()->set_currency(currency);
    bucket->set_revenue_share(total_revenue > 0 ? static_cast<double>(tier_revenue[tier]) /
                                                      static_cast<double>(total_revenue)
                                                : 0.0);
  }
  for (const ParetoPoint& point : ParetoCurve(std::move(revenue), kParetoShares)) {
    auto* out = distribution.add_pareto();
    out->set_client_share(point.client_share);
    out->set_revenue_share(point.revenue_share);
  }
  for (const int quadrant : {1, 2, 3, 4}) {
    AddCount(distribution.mutable_quadrants(), Name(static_cast<Quadrant>(quadrant)),
             quadrants[quadrant]);
  }
  for (const int stage : {1, 2, 3, 4, 5, 6}) {
    AddCount(distribution.mutable_lifecycle_funnel(), Name(static_cast<LifecycleStage>(stage)),
             lifecycles[stage]);
  }
  for (const auto& [segment, count] : segments) {
    AddCount(distribution.mutable_rfm_segments(), segment, count);
  }
  return distribution;
}

}  // namespace clienttier::scoring
