#pragma once

#include <cstdint>
#include <string>

#include "services/scoring/domain/client_facts.h"

namespace clienttier::scoring {

// Proleptic Gregorian calendar arithmetic on model days (days since 1970-01-01, UTC). Scoring
// needs calendar months for lifecycle stages ("first purchase 3 months ago") and readable
// dates in reasons; it keeps its own few lines so the domain stays free of other libraries.
struct CivilDate {
  int64_t year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

Day DayFromCivil(const CivilDate& date);

// The UTC day of a time in microseconds since the epoch, by floor division: a time before 1970
// still lands on its own day.
Day DayOfMicros(int64_t micros);
CivilDate CivilFromDay(Day day);

// The same day of the month `months` later (or earlier when negative), clamped to the last
// day of a shorter month: 2025-01-31 + 1 month = 2025-02-28.
Day AddCalendarMonths(Day day, int64_t months);

// "2026-12-31"; "never" for kNever.
std::string FormatDay(Day day);

}  // namespace clienttier::scoring
