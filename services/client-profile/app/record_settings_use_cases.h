#pragma once

#include <string>

#include "clienttier/profile/v1/profile_service.pb.h"
#include "common/time/utc_time.h"
#include "services/client-profile/storage/record_settings_repository.h"

namespace clienttier::profile {

// A tenant's record settings: read (the defaults when never set) and replaced by an admin.
// Every record RPC reads them once (one primary-key read) rather than caching them, so a new
// floor applies on every replica at once.
class RecordSettingsUseCases {
 public:
  RecordSettingsUseCases(RecordSettingsRepository& settings, const Clock& clock)
      : settings_(settings), clock_(clock) {}

  v1::RecordSettings Get(const std::string& tenant_id);
  // `settings` passed ValidateRecordSettings.
  v1::RecordSettings Put(const std::string& tenant_id, const v1::RecordSettings& settings);
  // The earliest occurred_at the tenant accepts.
  UnixMicros EarliestRecord(const std::string& tenant_id);

 private:
  RecordSettingsRepository& settings_;
  const Clock& clock_;
};

}  // namespace clienttier::profile
