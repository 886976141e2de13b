#pragma once

#include "clienttier/profile/v1/profile_service.pb.h"
#include "common/time/utc_time.h"

namespace clienttier::profile {

namespace v1 = ::clienttier::profile::v1;

// How far back a tenant's history goes (issue 17 part 1). Organisations load years of past
// purchases on day one; the floor only catches typos in the year, so it is theirs to move.
// 1990-01-01T00:00:00Z: the default floor.
constexpr UnixMicros kDefaultEarliestRecord = 631'152'000LL * kMicrosPerSecond;
// 1900-01-01T00:00:00Z: no floor (and no acquisition date) may be older.
constexpr UnixMicros kOldestEarliestRecord = -2'208'988'800LL * kMicrosPerSecond;

// The settings of a tenant that never set any (version 0).
v1::RecordSettings DefaultRecordSettings();

// earliest_record required, from kOldestEarliestRecord to `now`. InvalidArgument naming
// "settings.earliest_record".
void ValidateRecordSettings(const v1::RecordSettings& settings, UnixMicros now);

UnixMicros EarliestRecord(const v1::RecordSettings& settings);

}  // namespace clienttier::profile
