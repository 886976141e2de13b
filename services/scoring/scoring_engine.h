#pragma once

#include <optional>
#include <string>
#include <vector>

#include <cppconn/connection.h>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "clienttier/scoring/v1/scoring_events.pb.h"
#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "common/db/mysql_pool.h"
#include "common/outbox/outbox.h"
#include "common/redis/redis_cache.h"
#include "common/time/utc_time.h"
#include "services/scoring/domain/clv.h"
#include "services/scoring/domain/score.h"
#include "services/scoring/propagation_source.h"
#include "services/scoring/storage/score_store.h"

namespace clienttier::scoring {

inline constexpr char kScoringStream[] = "ct:events:scoring";

// "ct:scoring:{tenant}:score:{client_id}", the cache key of one client's latest score.
std::string ScoreCacheKey(const std::string& tenant_id, const std::string& client_id);

struct EngineOptions {
  // Used when the tenant's config names no currency.
  std::string default_currency = "CNY";
  int cache_ttl_seconds = 60;
};

// Everything population-relative a tenant's scores are computed with.
struct TenantContext {
  v1::ScoringConfig config_proto;
  ScoringConfig config;
  std::string currency;
  std::optional<v1::ClvModel> model_proto;
  ClvModel model;
  int64_t model_version = 0;
  std::optional<v1::PopulationStats> population_proto;
  PopulationStats population;
};

// One client's freshly computed score with what explains it; nothing stored yet.
struct ComputedScore {
  ClientFacts facts;
  ClientScore domain;
  v1::Score proto;
};

// The application layer of scoring: loads a tenant's context, computes scores with the pure
// domain code, and stores them with their tier history and events, in one transaction.
class ScoringEngine {
 public:
  ScoringEngine(MySqlPool& pool, RedisCache& cache, const Clock& clock, EngineOptions options);

  // Config, model and population of the tenant. When no population matches the active config
  // version, a fresh one is computed from all the tenant's clients and stored (`for_write`
  // only), so the first event after a config change is consistent with the next batch run.
  TenantContext LoadContext(sql::Connection& connection, const std::string& tenant_id,
                            UnixMicros now, bool for_write);

  // Pure computation over loaded facts.
  ComputedScore Compute(const TenantContext& context, const ClientFacts& facts,
                        const TierState& previous, const std::optional<TierOverrideRecord>& record,
                        UnixMicros now, ScoreDetail detail = ScoreDetail::kExplained) const;
  ClvEstimate EstimateFor(const TenantContext& context, const ClientFacts& facts, Day as_of) const;

  // Rescores one client inside the caller's transaction: stores the score, and on a tier change
  // the history row and a tier_changed event; a newly raised churn warning emits churn_warning.
  // nullopt for a client scoring does not know (or an erased one, whose score is removed).
  std::optional<v1::Score> RescoreInTransaction(sql::Connection& connection,
                                                const std::string& tenant_id,
                                                const std::string& client_id, UnixMicros now);
  // The same with the tenant's context already loaded (many clients of one tenant), and
  // optionally fresh referral counts (stored when they changed).
  std::optional<v1::Score> RescoreInTransaction(sql::Connection& connection,
                                                const TenantContext& context,
                                                const std::string& tenant_id,
                                                const std::string& client_id, UnixMicros now,
                                                const ReferralCountsById* referral = nullptr);

  // Rescores many clients of one tenant inside the caller's transaction, as RescoreInTransaction
  // does one, with a read per kind of row and one write for them all (event-driven rescoring).
  // Returns the new scores by client id.
  std::map<std::string, v1::Score> RescoreManyInTransaction(
      sql::Connection& connection, const TenantContext& context, const std::string& tenant_id,
      const std::vector<std::string>& client_ids, UnixMicros now,
      const ReferralCountsById* referral = nullptr);

  // Referral influence: ScoreClient and BatchRescore ask the source (outside any transaction)
  // and store what changed; event-driven rescoring uses the stored counts, so no transaction
  // waits on another service. Without a source, or when it is down, the stored counts stay.
  void SetPropagationSource(PropagationSource* source) { propagation_ = source; }
  // Updates `facts` from the source and stores the changed counts.
  void RefreshReferralCounts(const std::string& tenant_id, std::vector<ClientFacts>* facts);

  // What a set of computed scores writes: the score rows, the tier history rows and the
  // events (tier_changed, churn_warning), all in one transaction (Write).
  struct Changes {
    std::vector<StoredScore> scores;
    std::vector<v1::TierChange> tier_changes;
    std::vector<OutboxEvent> events;
  };
  // Adds a computed score and what follows from it to `changes` (no I/O). Events describe
  // changes since the previous score, so a client's first score emits none (its initial tier
  // and warning are in the score, and ListChurnWarnings lists the warning): a tenant's first batch over a million existing
  // clients must not flood the history and the stream (nor start a welcome campaign for every
  // long-standing T1 client). Every later move is recorded and emitted.
  static void Collect(const std::string& tenant_id, const ComputedScore& computed,
                      const PreviousScore* previous, UnixMicros now, Changes* changes);
  // Writes `changes` on the caller's connection (inside its transaction).
  static void Write(sql::Connection& connection, const std::string& tenant_id,
                    const Changes& changes);

  // Applies profile events exactly once each (by event id) and rescores every client they
  // touched once, all in one transaction (one commit for a whole stream read, and a client
  // with ten new purchases is scored once). Returns how many events were new.
  int ApplyProfileEvents(const std::vector<::clienttier::profile::v1::ProfileEvent>& events);
  bool ApplyProfileEvent(const ::clienttier::profile::v1::ProfileEvent& event) {
    return ApplyProfileEvents({event}) == 1;
  }

  // ScoreClient: rescore now and return the stored score. NOT_FOUND for an unknown client.
  v1::Score ScoreNow(const std::string& tenant_id, const std::string& client_id);

  // Explains the client's score as computed now from its current data (nothing stored).
  v1::ScoreExplanation Explain(const std::string& tenant_id, const std::string& client_id);

  // GetScore: the cache, else the stored score. NOT_FOUND when never scored.
  v1::Score CachedScore(const std::string& tenant_id, const std::string& client_id);
  // The in-process cached score, without I/O; false on a miss.
  bool CachedScoreWithoutIo(const std::string& tenant_id, const std::string& client_id,
                            v1::Score* score);

  void InvalidateCached(const std::string& tenant_id, const std::vector<std::string>& client_ids);

  MySqlPool& pool() { return pool_; }
  const Clock& clock() const { return clock_; }

 private:
  MySqlPool& pool_;
  RedisCache& cache_;
  const Clock& clock_;
  EngineOptions options_;
  PropagationSource* propagation_ = nullptr;
};

}  // namespace clienttier::scoring
