#include "services/scoring/app/rescoring.h"

#include <algorithm>
#include <optional>

#include "common/errors/domain_error.h"
#include "services/scoring/domain/facts_builder.h"

namespace clienttier::scoring {

namespace {

// What ExplainScore shows of a computed score: its inputs, contributions, rules, the population
// and the model in use, and the CLV model's own inputs for the client at `day`.
v1::ScoreExplanation ExplanationOf(const TenantContext& context, const ComputedScore& computed,
                                   Day day) {
  v1::ScoreExplanation explanation;
  *explanation.mutable_score() = computed.proto;
  for (const auto& input : computed.domain.explanation.inputs) {
    auto* out = explanation.add_inputs();
    out->set_name(input.name);
    out->set_value(input.value);
  }
  for (const auto& contribution : computed.domain.explanation.contributions) {
    auto* out = explanation.add_contributions();
    out->set_dimension(contribution.dimension);
    out->set_sub_score(contribution.sub_score);
    out->set_weight(contribution.weight);
    out->set_points(contribution.points);
  }
  for (const auto& rule : computed.domain.explanation.rules) {
    explanation.add_thresholds_crossed(rule);
  }
  *explanation.mutable_population() = *context.population_proto;
  if (context.model_proto) {
    *explanation.mutable_model() = *context.model_proto;
  }
  explanation.set_tier_reason(computed.domain.tier.reason);
  // The model's view, from the same facts (ClvClientFromFacts is the one definition).
  const ClvClient clv = ClvClientFromFacts(computed.facts, day);
  explanation.set_x_repeat_purchase_days(static_cast<int64_t>(clv.history.x));
  explanation.set_t_x_days(static_cast<int64_t>(clv.history.t_x));
  explanation.set_t_days(static_cast<int64_t>(clv.history.T));
  explanation.set_model_version(context.model_version);
  return explanation;
}

}  // namespace

ComputedScore Rescoring::ComputeAsOf(const std::string& tenant_id, const std::string& client_id,
                                     Day as_of, TenantContext* context) const {
  const UnixMicros now = clock_.Now();
  std::optional<ComputedScore> computed;
  transactions_.Read([&](Transaction& transaction) {
    AsOfTenant tenant = calculator_.LoadAsOf(transaction, tenant_id, as_of, now);
    const auto found = std::lower_bound(
        tenant.facts.begin(), tenant.facts.end(), client_id,
        [](const ClientFacts& facts, const std::string& id) { return facts.client_id < id; });
    if (found == tenant.facts.end() || found->client_id != client_id) {
      return;
    }
    const size_t index = static_cast<size_t>(found - tenant.facts.begin());
    // A first score: no tier history before the day is replayed, no override applies.
    computed = calculator_.Compute(tenant.context, *found, tenant.estimates[index], TierState{},
                                   std::nullopt, as_of * kMicrosPerDay, ScoreDetail::kExplained);
    *context = std::move(tenant.context);
  });
  if (!computed) {
    throw NotFound("client '" + client_id + "' is not known to scoring");
  }
  return std::move(*computed);
}

v1::Score Rescoring::ScoreClient(const std::string& tenant_id, const std::string& client_id,
                                 std::optional<Day> as_of) {
  if (as_of) {
    TenantContext context;
    return ComputeAsOf(tenant_id, client_id, *as_of, &context).proto;  // stored nowhere
  }
  const UnixMicros now = clock_.Now();
  std::optional<ReferralCountsById> referral;
  if (referral_.source() != nullptr) {
    referral = referral_.source()->Fetch(tenant_id, {client_id});
  }
  std::optional<v1::Score> score;
  transactions_.InTransaction([&](Transaction& transaction) {
    // RescoreMany locks the score row before reading the facts (see Rescorer): a profile
    // consumer applying this client now is waited for, not overwritten with older facts.
    score = rescorer_.RescoreOne(transaction, tenant_id, client_id, now,
                                 referral ? &*referral : nullptr);
  });
  if (!score) {
    throw NotFound("client '" + client_id + "' is not known to scoring");
  }
  cache_.Invalidate(tenant_id, {client_id});
  return *score;
}

v1::ScoreExplanation Rescoring::ExplainScore(const std::string& tenant_id,
                                             const std::string& client_id,
                                             std::optional<Day> as_of) {
  if (as_of) {
    TenantContext context;
    const ComputedScore computed = ComputeAsOf(tenant_id, client_id, *as_of, &context);
    return ExplanationOf(context, computed, *as_of);
  }
  const UnixMicros now = clock_.Now();
  v1::ScoreExplanation explanation;
  transactions_.Read([&](Transaction& transaction) {
    const TenantContext context = calculator_.LoadContext(transaction, tenant_id, now, false);
    auto facts = aggregates_.LoadFacts(transaction, tenant_id, client_id, context.conversion,
                                       ModelDayOf(now));
    if (!facts) {
      throw NotFound("client '" + client_id + "' is not known to scoring");
    }
    const auto stored = scores_.Get(transaction, tenant_id, client_id);
    const auto record = scores_.GetOverride(transaction, tenant_id, client_id);
    const ComputedScore computed = calculator_.Compute(
        context, *facts, stored ? stored->tier_state : TierState{}, record, now);
    explanation = ExplanationOf(context, computed, ModelDayOf(now));
  });
  return explanation;
}

}  // namespace clienttier::scoring
