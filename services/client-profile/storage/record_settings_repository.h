#pragma once

#include <optional>
#include <string>

#include "clienttier/profile/v1/profile_service.pb.h"
#include "common/time/utc_time.h"

namespace clienttier::profile {

namespace v1 = ::clienttier::profile::v1;

// Each tenant's record settings (one row per tenant that set them).
class RecordSettingsRepository {
 public:
  virtual ~RecordSettingsRepository() = default;

  // nullopt when the tenant never set any.
  virtual std::optional<v1::RecordSettings> Get(const std::string& tenant_id) = 0;
  // Stores validated `settings` with the next version and returns them as stored.
  virtual v1::RecordSettings Put(const std::string& tenant_id, const v1::RecordSettings& settings,
                                 UnixMicros now) = 0;
};

}  // namespace clienttier::profile
