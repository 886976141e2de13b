#include "services/scoring/app/score_changes.h"

#include "clienttier/scoring/v1/scoring_events.pb.h"
#include "common/outbox/outbox_writer.h"
#include "common/outbox/streams.h"
#include "services/scoring/scoring_mapping.h"
#include "services/scoring/storage/score_cache.h"

namespace clienttier::scoring {

namespace {

// The tier history row and events that follow from a computed score (not the score row).
void CollectChangesOf(const std::string& tenant_id, const ComputedScore& computed,
                      const PreviousScore* previous, UnixMicros now, ScoreChanges* changes) {
  const v1::Score& score = computed.proto;
  const Tier before = previous != nullptr ? previous->tier_state.tier : Tier::kUnspecified;
  const Tier after = computed.domain.tier.tier;
  if (before != Tier::kUnspecified && after != before) {
    v1::TierChange change;
    change.set_client_id(score.client_id());
    change.set_from_tier(TierToProto(before));
    change.set_to_tier(TierToProto(after));
    change.set_reason(computed.domain.tier.reason);
    change.set_score(score.score());
    *change.mutable_changed_at() = ToProtoTimestamp(now);
    change.set_config_version(score.config_version());
    change.set_model_version(score.model_version());
    v1::ScoringEvent event;
    *event.mutable_tier_changed()->mutable_change() = change;
    *event.mutable_tier_changed()->mutable_score() = score;
    changes->events.push_back(MakeOutboxEvent(kScoringEventStream, "tier_changed", tenant_id, now,
                                              std::move(event),
                                              ScoreCacheKey(tenant_id, score.client_id())));
    changes->tier_changes.push_back(std::move(change));
  }
  if (previous != nullptr && score.churn_warning() && !previous->churn_warning) {
    v1::ScoringEvent event;
    auto* warning = event.mutable_churn_warning();
    warning->set_client_id(score.client_id());
    warning->set_tier(score.tier());
    warning->set_p_alive(score.clv().p_alive());
    warning->set_days_inactive(computed.domain.inactive_days);
    warning->set_reason(score.churn_reason());
    *warning->mutable_score() = score;
    changes->events.push_back(MakeOutboxEvent(kScoringEventStream, "churn_warning", tenant_id, now,
                                              std::move(event),
                                              ScoreCacheKey(tenant_id, score.client_id())));
  }
}

}  // namespace

void CollectScoreChanges(const std::string& tenant_id, const ComputedScore& computed,
                         const PreviousScore* previous, UnixMicros now, ScoreChanges* changes) {
  changes->scores.push_back(StoredScore{computed.proto, computed.domain.tier.state});
  CollectChangesOf(tenant_id, computed, previous, now, changes);
}

void CollectScoreChanges(const std::string& tenant_id, ComputedScore&& computed,
                         const PreviousScore* previous, UnixMicros now, ScoreChanges* changes) {
  CollectChangesOf(tenant_id, computed, previous, now, changes);
  changes->scores.push_back(StoredScore{std::move(computed.proto), computed.domain.tier.state});
}

void ScoreChangeWriter::Write(Transaction& transaction, const std::string& tenant_id,
                              const ScoreChanges& changes) const {
  scores_.UpsertMany(transaction, tenant_id, changes.scores);
  scores_.AddTierChanges(transaction, tenant_id, changes.tier_changes);
  outbox_.Append(transaction, changes.events);
}

}  // namespace clienttier::scoring
