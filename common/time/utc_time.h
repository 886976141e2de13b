#pragma once

#include <cstdint>
#include <string>

#include <google/protobuf/timestamp.pb.h>

namespace clienttier {

// Microseconds since the Unix epoch, UTC. The one time representation inside the services;
// MySQL stores DATETIME(6) in UTC and the API uses google.protobuf.Timestamp.
using UnixMicros = int64_t;

constexpr UnixMicros kMicrosPerSecond = 1'000'000;
constexpr UnixMicros kMicrosPerDay = 86'400 * kMicrosPerSecond;

// A clock passed into logic that needs "now", so tests can fix it.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixMicros Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  UnixMicros Now() const override;
};

// "YYYY-MM-DD HH:MM:SS.ffffff", the literal MySQL DATETIME(6) takes and returns.
std::string FormatSqlDatetime(UnixMicros micros);
// Parses what FormatSqlDatetime writes (fraction optional). Throws DomainError(kInternal) on
// malformed input, which can only come from a corrupt row.
UnixMicros ParseSqlDatetime(const std::string& text);

google::protobuf::Timestamp ToProtoTimestamp(UnixMicros micros);
// Truncates to microseconds, the precision MySQL keeps.
UnixMicros FromProtoTimestamp(const google::protobuf::Timestamp& timestamp);

// Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
void CivilFromDays(int64_t days, int64_t* year, unsigned* month, unsigned* day);

}  // namespace clienttier
