#pragma once

#include "services/scoring/storage/score_repository.h"

namespace clienttier::scoring {

// ScoreRepository over scores, tier_history and tier_overrides.
class MySqlScoreRepository final : public ScoreRepository {
 public:
  std::optional<StoredScore> Get(Transaction& transaction, const std::string& tenant_id,
                                 const std::string& client_id) override;
  std::map<std::string, StoredScore> GetForUpdateMany(
      Transaction& transaction, const std::string& tenant_id,
      const std::vector<std::string>& client_ids) override;
  void UpsertMany(Transaction& transaction, const std::string& tenant_id,
                  const std::vector<StoredScore>& stored) override;
  void Delete(Transaction& transaction, const std::string& tenant_id,
              const std::string& client_id) override;
  std::vector<std::pair<std::string, PreviousScore>> PreviousInRange(
      Transaction& transaction, const std::string& tenant_id, const ClientRange& range) override;
  std::map<std::string, PreviousScore> PreviousForUpdate(
      Transaction& transaction, const std::string& tenant_id,
      const std::vector<std::string>& client_ids) override;
  void AddTierChanges(Transaction& transaction, const std::string& tenant_id,
                      const std::vector<::clienttier::scoring::v1::TierChange>& changes) override;
  std::vector<std::pair<int64_t, ::clienttier::scoring::v1::TierChange>> ListTierChanges(
      Transaction& transaction, const std::string& tenant_id, UnixMicros since,
      int64_t after_change_id, const std::string& client_id, int limit) override;
  std::vector<::clienttier::scoring::v1::Score> ListChurnWarnings(
      Transaction& transaction, const std::string& tenant_id, const std::string& after_client_id,
      int limit) override;
  void Stream(Transaction& transaction, const std::string& tenant_id, const ScoreFilter& filter,
              int page_size,
              const std::function<bool(::clienttier::scoring::v1::Score&&)>& emit) override;
  std::optional<TierOverrideRecord> GetOverride(Transaction& transaction,
                                                const std::string& tenant_id,
                                                const std::string& client_id) override;
  std::map<std::string, TierOverrideRecord> OverridesFor(
      Transaction& transaction, const std::string& tenant_id,
      const std::vector<std::string>& client_ids) override;
  std::map<std::string, TierOverrideRecord> OverridesInRange(Transaction& transaction,
                                                             const std::string& tenant_id,
                                                             const ClientRange& range) override;
  void PutOverride(Transaction& transaction, const std::string& tenant_id,
                   const std::string& client_id,
                   const ::clienttier::scoring::v1::TierOverride& tier_override,
                   UnixMicros now) override;
  void ClearOverride(Transaction& transaction, const std::string& tenant_id,
                     const std::string& client_id) override;
};

}  // namespace clienttier::scoring
