#include "services/scoring/scoring_engine.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "common/db/processed_events.h"
#include "common/errors/domain_error.h"
#include "services/scoring/domain/facts_builder.h"
#include "services/scoring/domain/population_stats.h"
#include "services/scoring/scoring_mapping.h"
#include "services/scoring/storage/aggregate_store.h"
#include "services/scoring/storage/version_store.h"

namespace clienttier::scoring {

namespace pv1 = ::clienttier::profile::v1;

namespace {

Day DayOf(UnixMicros micros) { return micros / kMicrosPerDay; }

OutboxEvent MakeEvent(const std::string& tenant_id, UnixMicros now, v1::ScoringEvent event,
                      const char* type, std::string invalidate_key) {
  OutboxEvent outbox;
  outbox.event_id = NewEventId();
  outbox.stream = kScoringStream;
  outbox.type = type;
  outbox.tenant_id = tenant_id;
  event.set_event_id(outbox.event_id);
  event.set_tenant_id(tenant_id);
  *event.mutable_occurred_at() = ToProtoTimestamp(now);
  outbox.payload = event.SerializeAsString();
  outbox.invalidate_key = std::move(invalidate_key);
  return outbox;
}

// Returns whether the counts changed the facts.
bool ApplyReferralCounts(const ReferralCounts& counts, ClientFacts* facts) {
  if (facts->referrals_sent == counts.sent && facts->referrals_converted == counts.converted) {
    return false;
  }
  facts->referrals_sent = counts.sent;
  facts->referrals_converted = counts.converted;
  return true;
}

}  // namespace

std::string ScoreCacheKey(const std::string& tenant_id, const std::string& client_id) {
  return "ct:scoring:" + tenant_id + ":score:" + client_id;
}

ScoringEngine::ScoringEngine(MySqlPool& pool, RedisCache& cache, const Clock& clock,
                             EngineOptions options)
    : pool_(pool), cache_(cache), clock_(clock), options_(std::move(options)) {}

TenantContext ScoringEngine::LoadContext(sql::Connection& connection, const std::string& tenant_id,
                                         UnixMicros now, bool for_write) {
  TenantContext context;
  context.config_proto = VersionStore::LatestConfig(connection, tenant_id);
  context.config = ConfigFromProto(context.config_proto);
  context.currency = context.config_proto.currency().empty() ? options_.default_currency
                                                             : context.config_proto.currency();
  context.model_proto = VersionStore::LatestModel(connection, tenant_id);
  context.model = ClvModelFromProto(context.model_proto ? &*context.model_proto : nullptr);
  context.model_version = context.model_proto ? context.model_proto->version() : 0;
  context.population_proto = VersionStore::LatestPopulation(connection, tenant_id);
  if (!context.population_proto ||
      context.population_proto->config_version() != context.config.version) {
    const Day as_of = DayOf(now);
    const std::vector<ClientFacts> facts =
        AggregateStore::LoadAllFacts(connection, tenant_id, context.currency, as_of, 0, 1);
    std::vector<ClvEstimate> estimates;
    estimates.reserve(facts.size());
    for (const ClientFacts& client : facts) {
      estimates.push_back(EstimateFor(context, client, as_of));
    }
    const PopulationStats stats =
        ComputePopulationStats(facts, estimates, context.config, as_of, 0);
    v1::PopulationStats proto = PopulationToProto(stats, now);
    context.population_proto =
        for_write ? VersionStore::PutPopulation(connection, tenant_id, proto, now) : proto;
  }
  context.population = PopulationFromProto(*context.population_proto);
  return context;
}

ClvEstimate ScoringEngine::EstimateFor(const TenantContext& context, const ClientFacts& facts,
                                       Day as_of) const {
  if (!HasPurchase(facts)) {
    return ClvEstimate{};  // a prospect has no purchase history to project
  }
  ClvOptions options;
  options.horizon_months = static_cast<int>(context.config.clv.horizon_months);
  options.monthly_discount_rate = context.config.clv.monthly_discount_rate;
  return ToClvEstimate(EstimateClv(ClvClientFromFacts(facts, as_of), context.model, options));
}

ComputedScore ScoringEngine::Compute(const TenantContext& context, const ClientFacts& facts,
                                     const TierState& previous,
                                     const std::optional<TierOverrideRecord>& record,
                                     UnixMicros now, ScoreDetail detail) const {
  const Day as_of = DayOf(now);
  ComputedScore computed;
  computed.facts = facts;
  const ClvEstimate clv = EstimateFor(context, facts, as_of);
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

void ScoringEngine::Collect(const std::string& tenant_id, const ComputedScore& computed,
                            const PreviousScore* previous, UnixMicros now, Changes* changes) {
  const v1::Score& score = computed.proto;
  changes->scores.push_back(StoredScore{score, computed.domain.tier.state});
  const Tier before = previous != nullptr ? previous->tier_state.tier : Tier::kUnspecified;
  const Tier after = computed.domain.tier.tier;
  const std::string key = ScoreCacheKey(tenant_id, score.client_id());
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
    changes->events.push_back(MakeEvent(tenant_id, now, std::move(event), "tier_changed", key));
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
    changes->events.push_back(MakeEvent(tenant_id, now, std::move(event), "churn_warning", key));
  }
}

void ScoringEngine::Write(sql::Connection& connection, const std::string& tenant_id,
                          const Changes& changes) {
  ScoreStore::UpsertMany(connection, tenant_id, changes.scores);
  ScoreStore::AddTierChanges(connection, tenant_id, changes.tier_changes);
  AppendToOutbox(connection, changes.events);
}

std::optional<v1::Score> ScoringEngine::RescoreInTransaction(sql::Connection& connection,
                                                             const std::string& tenant_id,
                                                             const std::string& client_id,
                                                             UnixMicros now) {
  return RescoreInTransaction(connection, LoadContext(connection, tenant_id, now, true), tenant_id,
                              client_id, now);
}

std::optional<v1::Score> ScoringEngine::RescoreInTransaction(
    sql::Connection& connection, const TenantContext& context, const std::string& tenant_id,
    const std::string& client_id, UnixMicros now, const ReferralCountsById* referral) {
  std::map<std::string, v1::Score> scores =
      RescoreManyInTransaction(connection, context, tenant_id, {client_id}, now, referral);
  if (scores.empty()) {
    return std::nullopt;
  }
  return std::move(scores.begin()->second);
}

std::map<std::string, v1::Score> ScoringEngine::RescoreManyInTransaction(
    sql::Connection& connection, const TenantContext& context, const std::string& tenant_id,
    const std::vector<std::string>& client_ids, UnixMicros now,
    const ReferralCountsById* referral) {
  std::map<std::string, ClientFacts> facts =
      AggregateStore::LoadFactsFor(connection, tenant_id, client_ids, context.currency, DayOf(now));
  if (referral != nullptr) {
    std::vector<ClientFacts> changed;
    for (auto& [client_id, client] : facts) {
      const auto counts = referral->find(client_id);
      if (counts != referral->end() && ApplyReferralCounts(counts->second, &client)) {
        changed.push_back(client);
      }
    }
    AggregateStore::StoreReferralCounts(connection, tenant_id, changed);
  }
  const std::map<std::string, StoredScore> stored =
      ScoreStore::GetForUpdateMany(connection, tenant_id, client_ids);
  const std::map<std::string, TierOverrideRecord> overrides =
      ScoreStore::OverridesFor(connection, tenant_id, client_ids);
  std::map<std::string, v1::Score> scores;
  Changes changes;
  for (const auto& [client_id, client] : facts) {
    std::optional<PreviousScore> previous;
    if (const auto found = stored.find(client_id); found != stored.end()) {
      previous = PreviousScore{found->second.tier_state, found->second.score.churn_warning()};
    }
    std::optional<TierOverrideRecord> record;
    if (const auto found = overrides.find(client_id); found != overrides.end()) {
      record = found->second;
    }
    const ComputedScore computed =
        Compute(context, client, previous ? previous->tier_state : TierState{}, record, now);
    Collect(tenant_id, computed, previous ? &*previous : nullptr, now, &changes);
    scores.emplace(client_id, computed.proto);
  }
  for (const auto& [client_id, score] : stored) {
    if (facts.count(client_id) == 0) {
      ScoreStore::Delete(connection, tenant_id, client_id);  // erased: no score to target
    }
  }
  Write(connection, tenant_id, changes);
  return scores;
}

int ScoringEngine::ApplyProfileEvents(const std::vector<pv1::ProfileEvent>& events) {
  const UnixMicros now = clock_.Now();
  int applied = 0;
  std::map<std::string, std::set<std::string>> touched;  // tenant -> clients
  // May run again after a deadlock rollback: everything it collects starts afresh.
  pool_.InTransaction([&](sql::Connection& connection) {
    applied = 0;
    touched.clear();
    std::vector<std::pair<std::string, std::string>> ids;
    ids.reserve(events.size());
    for (const pv1::ProfileEvent& event : events) {
      ids.emplace_back(event.event_id(), event.tenant_id());
    }
    const std::vector<bool> fresh = MarkEventsProcessed(connection, ids, now);
    for (size_t i = 0; i < events.size(); ++i) {
      if (!fresh[i]) {
        continue;  // already applied: a redelivery
      }
      const pv1::ProfileEvent& event = events[i];
      ++applied;
      const std::string client_id = AggregateStore::Apply(connection, event, now);
      if (!client_id.empty()) {
        touched[event.tenant_id()].insert(client_id);
      }
    }
    for (const auto& [tenant_id, clients] : touched) {
      RescoreManyInTransaction(connection, LoadContext(connection, tenant_id, now, true), tenant_id,
                               std::vector<std::string>(clients.begin(), clients.end()), now);
    }
  });
  for (const auto& [tenant_id, clients] : touched) {
    InvalidateCached(tenant_id, std::vector<std::string>(clients.begin(), clients.end()));
  }
  return applied;
}

v1::Score ScoringEngine::ScoreNow(const std::string& tenant_id, const std::string& client_id) {
  const UnixMicros now = clock_.Now();
  std::optional<ReferralCountsById> referral;
  if (propagation_ != nullptr) {
    referral = propagation_->Fetch(tenant_id, {client_id});
  }
  std::optional<v1::Score> score;
  pool_.InTransaction([&](sql::Connection& connection) {
    score = RescoreInTransaction(connection, LoadContext(connection, tenant_id, now, true),
                                 tenant_id, client_id, now, referral ? &*referral : nullptr);
  });
  if (!score) {
    throw NotFound("client '" + client_id + "' is not known to scoring");
  }
  InvalidateCached(tenant_id, {client_id});
  return *score;
}

void ScoringEngine::RefreshReferralCounts(const std::string& tenant_id,
                                          std::vector<ClientFacts>* facts) {
  if (propagation_ == nullptr || facts->empty()) {
    return;
  }
  std::vector<std::string> client_ids;
  client_ids.reserve(facts->size());
  for (const ClientFacts& client : *facts) {
    client_ids.push_back(client.client_id);
  }
  const std::optional<ReferralCountsById> counts = propagation_->Fetch(tenant_id, client_ids);
  if (!counts) {
    return;
  }
  std::vector<ClientFacts> changed;
  for (ClientFacts& client : *facts) {
    const auto found = counts->find(client.client_id);
    if (found != counts->end() && ApplyReferralCounts(found->second, &client)) {
      changed.push_back(client);
    }
  }
  constexpr size_t kRowsPerTransaction = 1000;
  for (size_t begin = 0; begin < changed.size(); begin += kRowsPerTransaction) {
    const size_t end = std::min(changed.size(), begin + kRowsPerTransaction);
    const std::vector<ClientFacts> slice(changed.begin() + static_cast<std::ptrdiff_t>(begin),
                                         changed.begin() + static_cast<std::ptrdiff_t>(end));
    pool_.InTransaction([&](sql::Connection& connection) {
      AggregateStore::StoreReferralCounts(connection, tenant_id, slice);
    });
  }
}

v1::ScoreExplanation ScoringEngine::Explain(const std::string& tenant_id,
                                            const std::string& client_id) {
  const UnixMicros now = clock_.Now();
  v1::ScoreExplanation explanation;
  pool_.WithConnection([&](sql::Connection& connection) {
    const TenantContext context = LoadContext(connection, tenant_id, now, false);
    auto facts =
        AggregateStore::LoadFacts(connection, tenant_id, client_id, context.currency, DayOf(now));
    if (!facts) {
      throw NotFound("client '" + client_id + "' is not known to scoring");
    }
    const auto stored = ScoreStore::Get(connection, tenant_id, client_id);
    const auto record = ScoreStore::GetOverride(connection, tenant_id, client_id);
    const ComputedScore computed =
        Compute(context, *facts, stored ? stored->tier_state : TierState{}, record, now);
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

bool ScoringEngine::CachedScoreWithoutIo(const std::string& tenant_id, const std::string& client_id,
                                         v1::Score* score) {
  auto local = cache_.GetLocal(ScoreCacheKey(tenant_id, client_id));
  return local && score->ParseFromString(*local);
}

v1::Score ScoringEngine::CachedScore(const std::string& tenant_id, const std::string& client_id) {
  const std::string key = ScoreCacheKey(tenant_id, client_id);
  if (auto cached = cache_.Get(key)) {
    v1::Score score;
    if (score.ParseFromString(*cached)) {
      return score;
    }
  }
  std::optional<StoredScore> stored;
  pool_.WithConnection([&](sql::Connection& connection) {
    stored = ScoreStore::Get(connection, tenant_id, client_id);
  });
  if (!stored) {
    throw NotFound("client '" + client_id + "' has no score");
  }
  cache_.Put(key, stored->score.SerializeAsString(), options_.cache_ttl_seconds);
  return stored->score;
}

void ScoringEngine::InvalidateCached(const std::string& tenant_id,
                                     const std::vector<std::string>& client_ids) {
  std::vector<std::string> keys;
  keys.reserve(client_ids.size());
  for (const auto& client_id : client_ids) {
    keys.push_back(ScoreCacheKey(tenant_id, client_id));
  }
  cache_.Invalidate(keys);
}

}  // namespace clienttier::scoring
