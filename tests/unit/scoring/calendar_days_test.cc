#include "services/scoring/domain/calendar_days.h"

#include <gtest/gtest.h>

namespace clienttier::scoring {
namespace {

TEST(CalendarDaysTest, KnownDates) {
  EXPECT_EQ(DayFromCivil({1970, 1, 1}), 0);
  EXPECT_EQ(DayFromCivil({2000, 3, 1}), 11'017);
  EXPECT_EQ(DayFromCivil({2024, 2, 29}), 19'782);
  EXPECT_EQ(DayFromCivil({1969, 12, 31}), -1);
  EXPECT_EQ(FormatDay(20'000), "2024-10-04");
  EXPECT_EQ(FormatDay(kNever), "never");
}

TEST(CalendarDaysTest, RoundTripsAcrossCenturies) {
  for (Day day = -800'000; day <= 800'000; day += 37) {
    const CivilDate date = CivilFromDay(day);
    ASSERT_EQ(DayFromCivil(date), day) << date.year << "-" << date.month << "-" << date.day;
  }
}

TEST(CalendarDaysTest, AddMonthsKeepsTheDayOrClampsIt) {
  EXPECT_EQ(AddCalendarMonths(DayFromCivil({2025, 1, 15}), 3), DayFromCivil({2025, 4, 15}));
  EXPECT_EQ(AddCalendarMonths(DayFromCivil({2025, 1, 31}), 1), DayFromCivil({2025, 2, 28}));
  EXPECT_EQ(AddCalendarMonths(DayFromCivil({2024, 1, 31}), 1), DayFromCivil({2024, 2, 29}));
  EXPECT_EQ(AddCalendarMonths(DayFromCivil({2025, 11, 30}), 3), DayFromCivil({2026, 2, 28}));
  EXPECT_EQ(AddCalendarMonths(DayFromCivil({2025, 3, 10}), -12), DayFromCivil({2024, 3, 10}));
}

}  // namespace
}  // namespace clienttier::scoring
