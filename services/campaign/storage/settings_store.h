#pragma once

#include <optional>
#include <string>
#include <vector>

#include <cppconn/connection.h>

#include "common/time/utc_time.h"
#include "services/campaign/domain/frequency_cap.h"

namespace clienttier::campaign {

struct TenantSettings {
  std::vector<CapRule> caps;
  std::string welcome_campaign_id;
  std::string retention_campaign_id;
  std::string currency;
  int64_t version = 0;  // 0: never saved (defaults)
};

// "2/7,4/30" and back; the column keeps caps readable in a SQL console.
std::string FormatCaps(const std::vector<CapRule>& caps);
std::vector<CapRule> ParseCaps(const std::string& text);

// campaign_settings, one row per tenant.
class SettingsStore {
 public:
  static std::optional<TenantSettings> Find(sql::Connection& connection,
                                            const std::string& tenant_id, bool for_update);
  // Returns the tenant's settings with the row locked, inserting `defaults` first when the
  // tenant has none: launches and trigger entries serialise on this lock (caps stay exact).
  static TenantSettings LockOrCreate(sql::Connection& connection, const std::string& tenant_id,
                                     const TenantSettings& defaults, UnixMicros now);
  // Writes `settings` as version settings.version (the caller checked the previous one).
  static void Save(sql::Connection& connection, const std::string& tenant_id,
                   const TenantSettings& settings, UnixMicros now);
};

}  // namespace clienttier::campaign
