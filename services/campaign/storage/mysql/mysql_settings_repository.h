#pragma once

#include "services/campaign/storage/settings_repository.h"

namespace clienttier::campaign {

// "2/7,4/30" and back; the column keeps caps readable in a SQL console.
std::string FormatCaps(const std::vector<CapRule>& caps);
std::vector<CapRule> ParseCaps(const std::string& text);

// SettingsRepository on MySQL (ConnectionOf the transaction).
class MySqlSettingsRepository final : public SettingsRepository {
 public:
  std::optional<TenantSettings> Find(Transaction& transaction, const std::string& tenant_id,
                                     bool for_update) override;
  // Returns the tenant's settings with the row locked, inserting `defaults` first when the
  // tenant has none: launches and trigger entries serialise on this lock (caps stay exact).
  TenantSettings LockOrCreate(Transaction& transaction, const std::string& tenant_id,
                              const TenantSettings& defaults, UnixMicros now) override;
  // Writes `settings` as version settings.version (the caller checked the previous one).
  void Save(Transaction& transaction, const std::string& tenant_id, const TenantSettings& settings,
            UnixMicros now) override;
};

}  // namespace clienttier::campaign
