#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <cppconn/connection.h>

#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "common/time/utc_time.h"
#include "services/scoring/domain/tiering.h"

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

// Latest scores, tier history and overrides (migration 002).
class ScoreStore {
 public:
  static std::optional<StoredScore> Get(sql::Connection& connection, const std::string& tenant_id,
                                        const std::string& client_id);
  // Locks the row (SELECT ... FOR UPDATE) so concurrent rescores of one client serialise.
  static std::optional<StoredScore> GetForUpdate(sql::Connection& connection,
                                                 const std::string& tenant_id,
                                                 const std::string& client_id);
  // The same for a set of clients, by client id: one read, rows locked in primary-key order.
  static std::map<std::string, StoredScore> GetForUpdateMany(
      sql::Connection& connection, const std::string& tenant_id,
      const std::vector<std::string>& client_ids);
  static void Upsert(sql::Connection& connection, const std::string& tenant_id,
                     const StoredScore& stored);
  // Many scores in multi-row statements (batch rescoring).
  static void UpsertMany(sql::Connection& connection, const std::string& tenant_id,
                         const std::vector<StoredScore>& stored);
  static void Delete(sql::Connection& connection, const std::string& tenant_id,
                     const std::string& client_id);
  // The previous score state of every client of the tenant (batch rescoring).
  static std::vector<std::pair<std::string, PreviousScore>> AllPrevious(
      sql::Connection& connection, const std::string& tenant_id);

  // One multi-row INSERT per few hundred changes.
  static void AddTierChanges(sql::Connection& connection, const std::string& tenant_id,
                             const std::vector<::clienttier::scoring::v1::TierChange>& changes);
  // Changes at or after `since`, after the change id encoded in the cursor, oldest first.
  static std::vector<std::pair<int64_t, ::clienttier::scoring::v1::TierChange>> ListTierChanges(
      sql::Connection& connection, const std::string& tenant_id, UnixMicros since,
      int64_t after_change_id, const std::string& client_id, int limit);

  static std::vector<::clienttier::scoring::v1::Score> ListChurnWarnings(
      sql::Connection& connection, const std::string& tenant_id, const std::string& after_client_id,
      int limit);

  // Calls `emit` for each matching score in client id order; stops early when it returns false.
  static void Stream(sql::Connection& connection, const std::string& tenant_id,
                     const ScoreFilter& filter, int page_size,
                     const std::function<bool(::clienttier::scoring::v1::Score&&)>& emit);

  static std::optional<TierOverrideRecord> GetOverride(sql::Connection& connection,
                                                       const std::string& tenant_id,
                                                       const std::string& client_id);
  // The overrides of those of `client_ids` that have one, by client id.
  static std::map<std::string, TierOverrideRecord> OverridesFor(
      sql::Connection& connection, const std::string& tenant_id,
      const std::vector<std::string>& client_ids);
  static std::vector<std::pair<std::string, TierOverrideRecord>> AllOverrides(
      sql::Connection& connection, const std::string& tenant_id);
  static void PutOverride(sql::Connection& connection, const std::string& tenant_id,
                          const std::string& client_id,
                          const ::clienttier::scoring::v1::TierOverride& tier_override,
                          UnixMicros now);
  static void ClearOverride(sql::Connection& connection, const std::string& tenant_id,
                            const std::string& client_id);
};

}  // namespace clienttier::scoring
