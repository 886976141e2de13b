#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/campaign/domain/frequency_cap.h"
#include "services/campaign/domain/sensitive_data.h"

namespace clienttier::campaign {

struct TenantSettings {
  std::vector<CapRule> caps;
  std::string welcome_campaign_id;
  std::string retention_campaign_id;
  std::string currency;
  SensitiveDataPolicy sensitive;  // default: concern tags only, no use of them
  int64_t version = 0;            // 0: never saved (defaults)
};

// campaign_settings, one row per tenant.
class SettingsRepository {
 public:
  virtual ~SettingsRepository() = default;

  virtual std::optional<TenantSettings> Find(Transaction& transaction, const std::string& tenant_id,
                                             bool for_update) = 0;
  // Returns the tenant's settings with the row locked, inserting `defaults` first when the
  // tenant has none: launches and trigger entries serialise on this lock (caps stay exact).
  virtual TenantSettings LockOrCreate(Transaction& transaction, const std::string& tenant_id,
                                      const TenantSettings& defaults, UnixMicros now) = 0;
  // Writes `settings` as version settings.version (the caller checked the previous one).
  virtual void Save(Transaction& transaction, const std::string& tenant_id,
                    const TenantSettings& settings, UnixMicros now) = 0;
};

}  // namespace clienttier::campaign
