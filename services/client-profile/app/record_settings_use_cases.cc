#include "services/client-profile/app/record_settings_use_cases.h"

#include "services/client-profile/domain/record_settings.h"

namespace clienttier::profile {

v1::RecordSettings RecordSettingsUseCases::Get(const std::string& tenant_id) {
  auto stored = settings_.Get(tenant_id);
  return stored ? *stored : DefaultRecordSettings();
}

v1::RecordSettings RecordSettingsUseCases::Put(const std::string& tenant_id,
                                               const v1::RecordSettings& settings) {
  return settings_.Put(tenant_id, settings, clock_.Now());
}

UnixMicros RecordSettingsUseCases::EarliestRecord(const std::string& tenant_id) {
  return profile::EarliestRecord(Get(tenant_id));
}

}  // namespace clienttier::profile
