#include "services/scoring/app/rescoring.h"

#include <optional>

#include "common/errors/domain_error.h"

namespace clienttier::scoring {

v1::Score Rescoring::ScoreClient(const std::string& tenant_id, const std::string& client_id) {
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
                                             const std::string& client_id) {
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
  });
  return explanation;
}

}  // namespace clienttier::scoring
