#include "common/time/utc_time.h"

#include <chrono>
#include <cstdio>

#include "common/errors/domain_error.h"

namespace clienttier {

UnixMicros SystemClock::Now() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<int64_t>(day_of_era) - 719468;
}

void CivilFromDays(int64_t days, int64_t* year, unsigned* month, unsigned* day) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  *day = day_of_year - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int64_t>(year_of_era) + era * 400 + (*month <= 2 ? 1 : 0);
}

namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

std::string FormatSqlDatetime(UnixMicros micros) {
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  const int64_t micros_of_day = micros - days * kMicrosPerDay;
  int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  CivilFromDays(days, &year, &month, &day);
  const int64_t seconds_of_day = micros_of_day / kMicrosPerSecond;
  char buffer[40];
  std::snprintf(
      buffer, sizeof buffer, "%04lld-%02u-%02u %02lld:%02lld:%02lld.%06lld",
      static_cast<long long>(year), month, day, static_cast<long long>(seconds_of_day / 3600),
      static_cast<long long>(seconds_of_day / 60 % 60), static_cast<long long>(seconds_of_day % 60),
      static_cast<long long>(micros_of_day % kMicrosPerSecond));
  return buffer;
}

UnixMicros ParseSqlDatetime(const std::string& text) {
  long long year = 0;
  unsigned month = 0;
  unsigned day = 0;
  unsigned hour = 0;
  unsigned minute = 0;
  unsigned second = 0;
  char fraction[8] = {0};
  const int fields = std::sscanf(text.c_str(), "%lld-%u-%u %u:%u:%u.%6[0-9]", &year, &month, &day,
                                 &hour, &minute, &second, fraction);
  if (fields < 6 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
      second > 60) {
    throw Internal("malformed DATETIME value '" + text + "'");
  }
  int64_t micros_fraction = 0;
  if (fields == 7) {
    int digits = 0;
    for (const char* c = fraction; *c != '\0'; ++c, ++digits) {
      micros_fraction = micros_fraction * 10 + (*c - '0');
    }
    for (; digits < 6; ++digits) {
      micros_fraction *= 10;
    }
  }
  return DaysFromCivil(year, month, day) * kMicrosPerDay +
         (static_cast<int64_t>(hour) * 3600 + minute * 60 + second) * kMicrosPerSecond +
         micros_fraction;
}

google::protobuf::Timestamp ToProtoTimestamp(UnixMicros micros) {
  google::protobuf::Timestamp timestamp;
  const int64_t seconds = FloorDiv(micros, kMicrosPerSecond);
  timestamp.set_seconds(seconds);
  timestamp.set_nanos(static_cast<int32_t>((micros - seconds * kMicrosPerSecond) * 1000));
  return timestamp;
}

UnixMicros FromProtoTimestamp(const google::protobuf::Timestamp& timestamp) {
  return timestamp.seconds() * kMicrosPerSecond + timestamp.nanos() / 1000;
}

}  // namespace clienttier
