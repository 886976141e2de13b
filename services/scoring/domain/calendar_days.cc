#include "services/scoring/domain/calendar_days.h"

#include <array>
#include <cstdio>

#include "common/time/utc_time.h"

namespace clienttier::scoring {
namespace {

constexpr std::array<int, 12> kDaysInMonth = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

int64_t FloorDiv(int64_t numerator, int64_t denominator) {
  int64_t quotient = numerator / denominator;
  if ((numerator % denominator != 0) && ((numerator < 0) != (denominator < 0))) {
    --quotient;
  }
  return quotient;
}

bool IsLeapYear(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int64_t year, int month) {
  if (month == 2 && IsLeapYear(year)) {
    return 29;
  }
  return kDaysInMonth[static_cast<size_t>(month - 1)];
}

// Leap days in the years before `year` (counting from year 1).
int64_t LeapYearsBefore(int64_t year) {
  const int64_t previous = year - 1;
  return FloorDiv(previous, 4) - FloorDiv(previous, 100) + FloorDiv(previous, 400);
}

Day FirstDayOfYear(int64_t year) {
  return (year - 1970) * 365 + LeapYearsBefore(year) - LeapYearsBefore(1970);
}

}  // namespace

Day DayFromCivil(const CivilDate& date) {
  Day day = FirstDayOfYear(date.year);
  for (int month = 1; month < date.month; ++month) {
    day += DaysInMonth(date.year, month);
  }
  return day + date.day - 1;
}

Day DayOfMicros(int64_t micros) { return FloorDiv(micros, kMicrosPerDay); }

CivilDate CivilFromDay(Day day) {
  // The estimate is within a year or two of the answer; step to it.
  int64_t year = 1970 + FloorDiv(day, 365);
  while (FirstDayOfYear(year) > day) {
    --year;
  }
  while (FirstDayOfYear(year + 1) <= day) {
    ++year;
  }
  int64_t remaining = day - FirstDayOfYear(year);
  int month = 1;
  while (remaining >= DaysInMonth(year, month)) {
    remaining -= DaysInMonth(year, month);
    ++month;
  }
  return CivilDate{year, month, static_cast<int>(remaining) + 1};
}

Day AddCalendarMonths(Day day, int64_t months) {
  const CivilDate date = CivilFromDay(day);
  const int64_t month_index = date.year * 12 + (date.month - 1) + months;
  CivilDate shifted;
  shifted.year = FloorDiv(month_index, 12);
  shifted.month = static_cast<int>(month_index - shifted.year * 12) + 1;
  const int last_day = DaysInMonth(shifted.year, shifted.month);
  shifted.day = date.day < last_day ? date.day : last_day;
  return DayFromCivil(shifted);
}

std::string FormatDay(Day day) {
  if (day == kNever) {
    return "never";
  }
  const CivilDate date = CivilFromDay(day);
  std::array<char, 32> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%04lld-%02d-%02d", static_cast<long long>(date.year),
                date.month, date.day);
  return buffer.data();
}

}  // namespace clienttier::scoring
