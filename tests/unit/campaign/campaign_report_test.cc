#include "services/campaign/domain/campaign_report.h"

#include <gtest/gtest.h>

#include <limits>

#include "common/errors/domain_error.h"

namespace clienttier::campaign {
namespace {

// Published values are given to 4 decimals.
constexpr double kTextbook = 5e-5;

void ExpectInterval(const Interval& interval, double low, double high, double tolerance) {
  EXPECT_NEAR(interval.low, low, tolerance);
  EXPECT_NEAR(interval.high, high, tolerance);
}

TEST(WilsonIntervalTest, MatchesNewcombesTable) {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Statistics
  // in Medicine 17:857-872, method 3 (score, no continuity correction).
  ExpectInterval(WilsonInterval(81, 263), 0.2553, 0.3662, kTextbook);
  ExpectInterval(WilsonInterval(15, 148), 0.0624, 0.1605, kTextbook);
  ExpectInterval(WilsonInterval(0, 20), 0.0, 0.1611, kTextbook);
  ExpectInterval(WilsonInterval(1, 29), 0.0061, 0.1718, kTextbook);
}

TEST(WilsonIntervalTest, StaysInsideTheUnitInterval) {
  const Interval none = WilsonInterval(0, 50);
  EXPECT_EQ(none.low, 0.0);
  EXPECT_GT(none.high, 0.0);  // Wald would give [0, 0]
  const Interval all = WilsonInterval(50, 50);
  EXPECT_EQ(all.high, 1.0);
  EXPECT_LT(all.low, 1.0);
  EXPECT_NEAR(all.low, 1.0 - none.high, 1e-12);  // symmetric in successes and failures
}

TEST(WilsonIntervalTest, RejectsImpossibleCounts) {
  EXPECT_THROW(WilsonInterval(0, 0), DomainError);
  EXPECT_THROW(WilsonInterval(-1, 10), DomainError);
  EXPECT_THROW(WilsonInterval(11, 10), DomainError);
}

TEST(NewcombeIntervalTest, MatchesNewcombesTable) {
  // Newcombe (1998), "Interval estimation for the difference between independent proportions:
  // comparison of eleven methods", Statistics in Medicine 17:873-890, method 10.
  ExpectInterval(NewcombeDifferenceInterval(56, 70, 48, 80), 0.0524, 0.3339, kTextbook);
  ExpectInterval(NewcombeDifferenceInterval(9, 10, 3, 10), 0.1705, 0.8090, kTextbook);
  ExpectInterval(NewcombeDifferenceInterval(6, 7, 2, 7), 0.0582, 0.8062, kTextbook);
  ExpectInterval(NewcombeDifferenceInterval(5, 56, 0, 29), -0.0381, 0.1926, kTextbook);
  ExpectInterval(NewcombeDifferenceInterval(0, 10, 0, 20), -0.1611, 0.2775, kTextbook);
  ExpectInterval(NewcombeDifferenceInterval(0, 10, 0, 10), -0.2775, 0.2775, kTextbook);
  ExpectInterval(NewcombeDifferenceInterval(10, 10, 0, 20), 0.6791, 1.0, kTextbook);
  ExpectInterval(NewcombeDifferenceInterval(10, 10, 0, 10), 0.6075, 1.0, kTextbook);
}

TEST(UpliftReportTest, SmallCaseWorkedByHand) {
  // Treatment 200 members, 30 conversions, revenue 600000; holdout 50, 4, 80000.
  //   pt = 30/200 = 0.15, ph = 4/50 = 0.08
  //   absolute uplift = 7 pp; relative = 0.07 / 0.08 = 0.875
  //   incremental conversions = 0.07 * 200 = 14
  //   incremental revenue = 600000 - 80000 * 200 / 50 = 600000 - 320000 = 280000
  // Wilson, z = 1.959964, z^2 = 3.841459:
  //   treatment: denominator 1 + z^2/200 = 1.019207; centre (0.15 + 0.009604) / 1.019207
  //              = 0.156596; half 1.923044 * sqrt(0.15*0.85/200 + z^2/160000) = 0.049460
  //              -> [0.107136, 0.206056]
  //   holdout:   denominator 1.076829; centre 0.109966; half 0.078416 -> [0.031550, 0.188382]
  // Newcombe:
  //   low  = 0.07 - sqrt((0.15 - 0.107136)^2 + (0.188382 - 0.08)^2) = 0.07 - 0.116550 = -0.046551
  //   high = 0.07 + sqrt((0.206056 - 0.15)^2 + (0.08 - 0.031550)^2) = 0.07 + 0.074092 = 0.144093
  const UpliftReport report = BuildUpliftReport({200, 30, 600'000}, {50, 4, 80'000});
  EXPECT_DOUBLE_EQ(*report.treatment_rate, 0.15);
  EXPECT_DOUBLE_EQ(*report.holdout_rate, 0.08);
  EXPECT_NEAR(*report.absolute_uplift_pp, 7.0, 1e-9);
  EXPECT_NEAR(*report.relative_uplift, 0.875, 1e-9);
  EXPECT_NEAR(*report.incremental_conversions, 14.0, 1e-9);
  EXPECT_EQ(*report.incremental_revenue_minor, 280'000);
  ASSERT_TRUE(report.uplift_interval_pp.has_value());
  ExpectInterval(*report.uplift_interval_pp, -4.6551, 14.4093, 1e-3);
  // The interval spans 0 and the holdout has only 4 conversions: not enough data.
  EXPECT_FALSE(report.enough_data());
  EXPECT_EQ(report.sufficiency, DataSufficiency::kFewEvents);
  EXPECT_EQ(report.data_note, "the holdout group has 4 conversions; at least 5 are needed");
}

TEST(UpliftReportTest, EnoughDataHasNoNote) {
  const UpliftReport report = BuildUpliftReport({1000, 120, 0}, {100, 8, 0});
  EXPECT_TRUE(report.enough_data());
  EXPECT_EQ(report.data_note, "");
  EXPECT_EQ(*report.incremental_revenue_minor, 0);
}

TEST(UpliftReportTest, EmptyHoldoutLeavesTheComparisonUnknown) {
  const UpliftReport report = BuildUpliftReport({200, 30, 600'000}, {0, 0, 0});
  EXPECT_DOUBLE_EQ(*report.treatment_rate, 0.15);
  EXPECT_FALSE(report.holdout_rate.has_value());
  EXPECT_FALSE(report.absolute_uplift_pp.has_value());
  EXPECT_FALSE(report.relative_uplift.has_value());
  EXPECT_FALSE(report.incremental_conversions.has_value());
  EXPECT_FALSE(report.incremental_revenue_minor.has_value());
  EXPECT_FALSE(report.uplift_interval_pp.has_value());
  EXPECT_EQ(report.sufficiency, DataSufficiency::kEmptyGroup);
  EXPECT_EQ(report.data_note, "the holdout group is empty");
}

TEST(UpliftReportTest, EmptyTreatmentIsNamedFirst) {
  const UpliftReport report = BuildUpliftReport({0, 0, 0}, {0, 0, 0});
  EXPECT_FALSE(report.treatment_rate.has_value());
  EXPECT_FALSE(report.holdout_rate.has_value());
  EXPECT_EQ(report.data_note, "the treatment group is empty");
  const UpliftReport only_holdout = BuildUpliftReport({0, 0, 0}, {50, 5, 100});
  EXPECT_DOUBLE_EQ(*only_holdout.holdout_rate, 0.1);
  EXPECT_FALSE(only_holdout.incremental_revenue_minor.has_value());
}

TEST(UpliftReportTest, SmallGroupIsFlagged) {
  const UpliftReport report = BuildUpliftReport({200, 30, 0}, {29, 10, 0});
  EXPECT_EQ(report.sufficiency, DataSufficiency::kSmallGroup);
  EXPECT_EQ(report.data_note, "the holdout group has 29 members; at least 30 are needed");
  EXPECT_EQ(BuildUpliftReport({200, 30, 0}, {30, 10, 0}).sufficiency, DataSufficiency::kEnough);
}

TEST(UpliftReportTest, AllConverted) {
  const UpliftReport report = BuildUpliftReport({200, 200, 0}, {50, 50, 0});
  EXPECT_DOUBLE_EQ(*report.absolute_uplift_pp, 0.0);
  EXPECT_DOUBLE_EQ(*report.relative_uplift, 0.0);
  EXPECT_DOUBLE_EQ(*report.incremental_conversions, 0.0);
  ExpectInterval(*report.uplift_interval_pp, -1.8845, 7.1348, 1e-3);
  EXPECT_EQ(report.sufficiency, DataSufficiency::kFewEvents);
  EXPECT_EQ(report.data_note,
            "the treatment group has 0 members who did not convert; at least 5 are needed");
}

TEST(UpliftReportTest, NoConversions) {
  const UpliftReport report = BuildUpliftReport({200, 0, 0}, {50, 0, 0});
  EXPECT_DOUBLE_EQ(*report.absolute_uplift_pp, 0.0);
  EXPECT_FALSE(report.relative_uplift.has_value());  // relative to a zero rate: undefined
  ExpectInterval(*report.uplift_interval_pp, -7.1348, 1.8845, 1e-3);
  EXPECT_EQ(report.data_note, "the treatment group has 0 conversions; at least 5 are needed");
}

TEST(UpliftReportTest, NegativeUplift) {
  const UpliftReport report = BuildUpliftReport({400, 20, 0}, {100, 10, 0});
  EXPECT_NEAR(*report.absolute_uplift_pp, -5.0, 1e-9);
  EXPECT_NEAR(*report.relative_uplift, -0.5, 1e-9);
  EXPECT_NEAR(*report.incremental_conversions, -20.0, 1e-9);
  EXPECT_LT(report.uplift_interval_pp->low, report.uplift_interval_pp->high);
}

TEST(UpliftReportTest, IncrementalRevenueRoundsHalfUp) {
  // Revenue at the holdout's rate: 1000 * 7 / 3 = 2333.33 -> 2333; 5000 - 2333 = 2667.
  EXPECT_EQ(*BuildUpliftReport({7, 1, 5000}, {3, 1, 1000}).incremental_revenue_minor, 2667);
  // 1001 * 7 / 3 = 2335.67 -> 2336; 5000 - 2336 = 2664.
  EXPECT_EQ(*BuildUpliftReport({7, 1, 5000}, {3, 1, 1001}).incremental_revenue_minor, 2664);
  // 1 * 3 / 2 = 1.5 -> 2 (half up); 10 - 2 = 8.
  EXPECT_EQ(*BuildUpliftReport({3, 1, 10}, {2, 1, 1}).incremental_revenue_minor, 8);
  // The treatment may bring less than the holdout's rate would have.
  EXPECT_EQ(*BuildUpliftReport({100, 1, 100}, {100, 1, 5000}).incremental_revenue_minor, -4900);
}

TEST(UpliftReportTest, IncrementalRevenueIsExactForLargeValues) {
  // 4e18 * 2 / 1 does not fit 64 bits on the way; the result does, and must come out exact.
  const int64_t big = 4'000'000'000'000'000'000;
  EXPECT_EQ(*BuildUpliftReport({2, 1, big}, {1, 1, big / 2}).incremental_revenue_minor, 0);
  EXPECT_EQ(*BuildUpliftReport({3, 1, big}, {2, 1, big}).incremental_revenue_minor, -big / 2);
  // And a result that cannot fit is refused rather than wrapped.
  EXPECT_THROW(BuildUpliftReport({1'000'000, 1, 0}, {1, 1, big}), DomainError);
}

TEST(UpliftReportTest, InvalidOutcomesNameTheField) {
  try {
    BuildUpliftReport({10, 11, 0}, {10, 1, 0});
    FAIL() << "expected InvalidArgument";
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kInvalid);
    EXPECT_STREQ(error.what(), "treatment.conversions: must be between 0 and size");
  }
  try {
    BuildUpliftReport({10, 1, 0}, {-1, 0, 0});
    FAIL() << "expected InvalidArgument";
  } catch (const DomainError& error) {
    EXPECT_STREQ(error.what(), "holdout.size: must not be negative");
  }
  try {
    BuildUpliftReport({10, 1, 0}, {10, 1, -5});
    FAIL() << "expected InvalidArgument";
  } catch (const DomainError& error) {
    EXPECT_STREQ(error.what(), "holdout.revenue_minor: must not be negative");
  }
}

TEST(UpliftReportTest, SufficiencyNames) {
  EXPECT_STREQ(Name(DataSufficiency::kEnough), "enough");
  EXPECT_STREQ(Name(DataSufficiency::kFewEvents), "few_events");
}

}  // namespace
}  // namespace clienttier::campaign
