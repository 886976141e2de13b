#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/scoring/domain/tiering.h"
#include "services/scoring/storage/client_range.h"

namespace clienttier::scoring {

// A stored score with the hysteresis state that produced it.
struct StoredScore {
  ::clienttier::scoring::v1::Score score;
  TierState tier_state;
};

// What a rescore needs to know of the score it replaces.
struct PreviousScore {
  TierState tier_state;
  bool churn_warning = false;
};

struct TierOverrideRecord {
  TierOverride rule;
  ::clienttier::scoring::v1::TierOverride proto;
};

struct ScoreFilter {
  std::vector<int> tiers;
  std::vector<int> lifecycles;
  std::vector<int> quadrants;
  std::string after_client_id;
};

// Latest scores, tier history and tier overrides (migration 002).
class ScoreRepository {
 public:
  virtual ~ScoreRepository() = default;

  virtual std::optional<StoredScore> Get(Transaction& transaction, const std::string& tenant_id,
                                         const std::string& client_id) = 0;
  // The scores of a set of clients, by client id, rows locked (FOR UPDATE) in primary-key
  // order so concurrent rescores of one client serialise.
  virtual std::map<std::string, StoredScore> GetForUpdateMany(
      Transaction& transaction, const std::string& tenant_id,
      const std::vector<std::string>& client_ids) = 0;
  // Many scores in multi-row statements.
  virtual void UpsertMany(Transaction& transaction, const std::string& tenant_id,
                          const std::vector<StoredScore>& stored) = 0;
  virtual void Delete(Transaction& transaction, const std::string& tenant_id,
                      const std::string& client_id) = 0;
  // The previous score states of the clients of `range` (a whole-tenant batch: a range of the
  // primary key; a shard: its buckets' ranges of scores_by_shard), read with the facts of the
  // same range.
  virtual std::vector<std::pair<std::string, PreviousScore>> PreviousInRange(
      Transaction& transaction, const std::string& tenant_id, const ClientRange& range) = 0;

  // The previous score states of those of `client_ids` that have a score, by client id, with
  // the rows locked (FOR UPDATE) in primary-key order: an event-driven rescore takes these locks
  // before it reads any facts, so two rescores of one client serialise and the later one reads
  // the earlier one's committed facts. Read from the columns: no payload.
  virtual std::map<std::string, PreviousScore> PreviousForUpdate(
      Transaction& transaction, const std::string& tenant_id,
      const std::vector<std::string>& client_ids) = 0;

  // Tier history: one multi-row INSERT per few hundred changes.
  virtual void AddTierChanges(
      Transaction& transaction, const std::string& tenant_id,
      const std::vector<::clienttier::scoring::v1::TierChange>& changes) = 0;
  // Changes at or after `since`, after change id `after_change_id` (optionally of one client),
  // oldest first, at most `limit`, each with its change id.
  virtual std::vector<std::pair<int64_t, ::clienttier::scoring::v1::TierChange>> ListTierChanges(
      Transaction& transaction, const std::string& tenant_id, UnixMicros since,
      int64_t after_change_id, const std::string& client_id, int limit) = 0;

  // Raised churn warnings after `after_client_id`, in client id order, at most `limit`.
  virtual std::vector<::clienttier::scoring::v1::Score> ListChurnWarnings(
      Transaction& transaction, const std::string& tenant_id, const std::string& after_client_id,
      int limit) = 0;

  // Calls `emit` for each matching score in client id order, reading `page_size` rows at a
  // time; stops early when it returns false.
  virtual void Stream(Transaction& transaction, const std::string& tenant_id,
                      const ScoreFilter& filter, int page_size,
                      const std::function<bool(::clienttier::scoring::v1::Score&&)>& emit) = 0;

  virtual std::optional<TierOverrideRecord> GetOverride(Transaction& transaction,
                                                        const std::string& tenant_id,
                                                        const std::string& client_id) = 0;
  // The overrides of those of `client_ids` that have one, by client id.
  virtual std::map<std::string, TierOverrideRecord> OverridesFor(
      Transaction& transaction, const std::string& tenant_id,
      const std::vector<std::string>& client_ids) = 0;
  // The overrides of the clients of `range` (as PreviousInRange), by client id.
  virtual std::map<std::string, TierOverrideRecord> OverridesInRange(Transaction& transaction,
                                                                     const std::string& tenant_id,
                                                                     const ClientRange& range) = 0;
  virtual void PutOverride(Transaction& transaction, const std::string& tenant_id,
                           const std::string& client_id,
                           const ::clienttier::scoring::v1::TierOverride& tier_override,
                           UnixMicros now) = 0;
  virtual void ClearOverride(Transaction& transaction, const std::string& tenant_id,
                             const std::string& client_id) = 0;
};

}  // namespace clienttier::scoring
