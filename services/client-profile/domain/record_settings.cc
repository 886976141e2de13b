#include "services/client-profile/domain/record_settings.h"

#include "common/errors/domain_error.h"
#include "common/validation/validation.h"

namespace clienttier::profile {

v1::RecordSettings DefaultRecordSettings() {
  v1::RecordSettings settings;
  *settings.mutable_earliest_record() = ToProtoTimestamp(kDefaultEarliestRecord);
  settings.set_version(0);
  return settings;
}

void ValidateRecordSettings(const v1::RecordSettings& settings, UnixMicros now) {
  if (!settings.has_earliest_record()) {
    throw InvalidArgument("settings.earliest_record", "required");
  }
  validation::CheckTimestamp("settings.earliest_record", settings.earliest_record(),
                             kOldestEarliestRecord, now);
}

UnixMicros EarliestRecord(const v1::RecordSettings& settings) {
  return FromProtoTimestamp(settings.earliest_record());
}

}  // namespace clienttier::profile
