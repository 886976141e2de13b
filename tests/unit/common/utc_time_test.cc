#include "common/time/utc_time.h"

#include <gtest/gtest.h>

#include "common/errors/domain_error.h"

namespace clienttier {
namespace {

TEST(UtcTimeTest, FormatsKnownInstants) {
  EXPECT_EQ(FormatSqlDatetime(0), "1970-01-01 00:00:00.000000");
  // 2024-02-29 12:34:56.789012 UTC (a leap day) is 1709210096 s.
  EXPECT_EQ(FormatSqlDatetime(1709210096LL * kMicrosPerSecond + 789012),
            "2024-02-29 12:34:56.789012");
  EXPECT_EQ(FormatSqlDatetime(-1), "1969-12-31 23:59:59.999999");
}

TEST(UtcTimeTest, ParseIsTheInverseOfFormat) {
  for (UnixMicros micros : {0LL, 946684800000000LL, 1709210096789012LL, 4102444799999999LL}) {
    EXPECT_EQ(ParseSqlDatetime(FormatSqlDatetime(micros)), micros);
  }
  EXPECT_EQ(ParseSqlDatetime("2000-01-01 00:00:00"), 946684800LL * kMicrosPerSecond);
  EXPECT_EQ(ParseSqlDatetime("2000-01-01 00:00:00.5"), 946684800LL * kMicrosPerSecond + 500000);
}

TEST(UtcTimeTest, RejectsGarbage) {
  EXPECT_THROW(ParseSqlDatetime("yesterday"), DomainError);
  EXPECT_THROW(ParseSqlDatetime("2020-13-01 00:00:00"), DomainError);
}

TEST(UtcTimeTest, ProtoTimestampRoundTripsBeforeAndAfterEpoch) {
  for (UnixMicros micros : {-1500000LL, 0LL, 1234567LL}) {
    EXPECT_EQ(FromProtoTimestamp(ToProtoTimestamp(micros)), micros);
  }
  EXPECT_EQ(ToProtoTimestamp(-1500000).seconds(), -2);
  EXPECT_EQ(ToProtoTimestamp(-1500000).nanos(), 500000000);
}

}  // namespace
}  // namespace clienttier
