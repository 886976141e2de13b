#include "services/scoring/app/score_calculator.h"

#include <stdexcept>
#include <vector>

#include "common/errors/domain_error.h"
#include "services/scoring/domain/clv_fitting.h"
#include "services/scoring/domain/dated_counts.h"
#include "services/scoring/domain/facts_builder.h"
#include "services/scoring/domain/population_stats.h"
#include "services/scoring/scoring_mapping.h"

namespace clienttier::scoring {

ScoreCalculator::ScoreCalculator(VersionRepository& versions, AggregateRepository& aggregates,
                                 ExchangeRateRepository& rates, std::string default_currency)
    : versions_(versions),
      aggregates_(aggregates),
      rates_(rates),
      default_currency_(std::move(default_currency)) {}

TenantContext ScoreCalculator::LoadStoredContext(Transaction& transaction,
                                                 const std::string& tenant_id) const {
  TenantContext context;
  context.config_proto = versions_.LatestConfig(transaction, tenant_id);
  context.config = ConfigFromProto(context.config_proto);
  context.currency =
      context.config_proto.currency().empty() ? default_currency_ : context.config_proto.currency();
  context.config_proto.set_currency(context.currency);
  context.conversion = SpendConversion(
      context.currency,
      ExchangeRatesFromProto(rates_.List(transaction, tenant_id, context.currency, "")));
  context.model_proto = versions_.LatestModel(transaction, tenant_id);
  context.model = ClvModelFromProto(context.model_proto ? &*context.model_proto : nullptr);
  context.model_version = context.model_proto ? context.model_proto->version() : 0;
  context.population_proto = versions_.LatestPopulation(transaction, tenant_id);
  if (context.population_proto) {
    // Versions stored before PopulationStats carried its currency: the tenant's never changes.
    context.population_proto->set_currency(context.currency);
    context.population = PopulationFromProto(*context.population_proto);
  }
  return context;
}

TenantFit ScoreCalculator::FitAsOf(Transaction& transaction, const std::string& tenant_id,
                                   Day as_of) const {
  TenantFit fit;
  fit.context = LoadStoredContext(transaction, tenant_id);
  fit.facts = aggregates_.LoadAllFacts(transaction, tenant_id, fit.context.conversion, as_of);
  fit.fits = FitClvModels(fit.facts, as_of, fit.context.config.clv, fit.context.currency);
  return fit;
}

AsOfTenant ScoreCalculator::LoadAsOf(Transaction& transaction, const std::string& tenant_id,
                                     Day as_of, UnixMicros now) const {
  TenantFit fit = FitAsOf(transaction, tenant_id, as_of);
  AsOfTenant tenant;
  tenant.context = std::move(fit.context);
  tenant.facts = std::move(fit.facts);
  // Interactions and referrals as of the day too, from their dated rows (migration 008), not
  // today's running totals.
  ApplyDatedCounts(aggregates_.LoadDatedCounts(transaction, tenant_id, as_of), &tenant.facts);
  TenantContext& context = tenant.context;
  context.model_proto = ClvModelToProto(fit.fits, context.currency, as_of, now);
  context.model = ClvModelFromProto(&*context.model_proto);
  context.model_version = 0;
  tenant.estimates.reserve(tenant.facts.size());
  for (const ClientFacts& client : tenant.facts) {
    tenant.estimates.push_back(EstimateFor(context, client, as_of));
  }
  const PopulationStats stats =
      ComputePopulationStats(tenant.facts, tenant.estimates, context.config, as_of, 0);
  context.population_proto = PopulationToProto(stats, as_of * kMicrosPerDay, context.currency);
  context.population = PopulationFromProto(*context.population_proto);
  return tenant;
}

TenantContext ScoreCalculator::LoadContext(Transaction& transaction, const std::string& tenant_id,
                                           UnixMicros now, bool for_write) const {
  TenantContext context = LoadStoredContext(transaction, tenant_id);
  if (!context.population_proto ||
      context.population_proto->config_version() != context.config.version) {
    const Day as_of = ModelDayOf(now);
    const std::vector<ClientFacts> facts =
        aggregates_.LoadAllFacts(transaction, tenant_id, context.conversion, as_of);
    std::vector<ClvEstimate> estimates;
    estimates.reserve(facts.size());
    for (const ClientFacts& client : facts) {
      estimates.push_back(EstimateFor(context, client, as_of));
    }
    const PopulationStats stats =
        ComputePopulationStats(facts, estimates, context.config, as_of, 0);
    v1::PopulationStats proto = PopulationToProto(stats, now, context.currency);
    context.population_proto =
        for_write ? versions_.PutPopulation(transaction, tenant_id, proto, now) : proto;
  }
  context.population = PopulationFromProto(*context.population_proto);
  return context;
}

ClvEstimate ScoreCalculator::EstimateFor(const TenantContext& context, const ClientFacts& facts,
                                         Day as_of) const {
  if (!HasPurchase(facts)) {
    return ClvEstimate{};  // a prospect has no purchase history to project
  }
  ClvOptions options;
  options.horizon_months = static_cast<int>(context.config.clv.horizon_months);
  options.horizon_days = static_cast<int>(context.config.clv.horizon_days);
  options.monthly_discount_rate = context.config.clv.monthly_discount_rate;
  return ToClvEstimate(EstimateClv(ClvClientFromFacts(facts, as_of), context.model, options));
}

ComputedScore ScoreCalculator::Compute(const TenantContext& context, const ClientFacts& facts,
                                       const TierState& previous,
                                       const std::optional<TierOverrideRecord>& record,
                                       UnixMicros now, ScoreDetail detail) const {
  return Compute(context, facts, EstimateFor(context, facts, ModelDayOf(now)), previous, record,
                 now, detail);
}

ComputedScore ScoreCalculator::Compute(const TenantContext& context, const ClientFacts& facts,
                                       const ClvEstimate& clv, const TierState& previous,
                                       const std::optional<TierOverrideRecord>& record,
                                       UnixMicros now, ScoreDetail detail) const {
  const Day as_of = ModelDayOf(now);
  ComputedScore computed;
  computed.facts = facts;
  std::optional<TierOverride> rule;
  if (record) {
    rule = record->rule;
  }
  try {
    computed.domain =
        ScoreClient(facts, context.population, clv, context.config, previous, rule, as_of, detail);
  } catch (const std::invalid_argument& error) {
    throw FailedPrecondition(std::string("population statistics are stale: ") + error.what() +
                             " (run BatchRescore)");
  }
  computed.proto = ScoreToProto(computed.domain, facts,
                                ScoreContext{context.currency, context.model_version, now});
  if (record && OverrideActive(record->rule, as_of)) {
    *computed.proto.mutable_tier_override() = record->proto;
  }
  return computed;
}

}  // namespace clienttier::scoring
