#include "services/campaign/domain/campaign_report.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/errors/domain_error.h"

namespace clienttier::campaign {
namespace {

// GCC and Clang's 128-bit integer; __extension__ tells -Wpedantic it is deliberate. Large
// enough for any int64 revenue times any int64 group size.
__extension__ typedef __int128 Int128;

double Rate(const GroupOutcome& group) {
  return static_cast<double>(group.conversions) / static_cast<double>(group.size);
}

// round(holdout revenue * treatment size / holdout size), half up (all terms are
// non-negative), then subtracted from the treatment revenue.
int64_t IncrementalRevenue(const GroupOutcome& treatment, const GroupOutcome& holdout) {
  const Int128 scaled = static_cast<Int128>(holdout.revenue_minor) * treatment.size;
  Int128 expected = scaled / holdout.size;
  if (2 * (scaled % holdout.size) >= holdout.size) {
    ++expected;
  }
  const Int128 incremental = static_cast<Int128>(treatment.revenue_minor) - expected;
  if (incremental < std::numeric_limits<int64_t>::min() ||
      incremental > std::numeric_limits<int64_t>::max()) {
    throw InvalidArgument("holdout.revenue_minor",
                          "revenue per member times the treatment size exceeds 64 bits");
  }
  return static_cast<int64_t>(incremental);
}

// The first shortfall, treatment before holdout, as a sentence for the report.
void JudgeSufficiency(const GroupOutcome& group, const char* name, UpliftReport& report) {
  if (report.sufficiency != DataSufficiency::kEnough) {
    return;
  }
  const std::string group_name = name;
  if (group.size == 0) {
    report.sufficiency = DataSufficiency::kEmptyGroup;
    report.data_note = "the " + group_name + " group is empty";
    return;
  }
  if (group.size < kMinGroupSize) {
    report.sufficiency = DataSufficiency::kSmallGroup;
    report.data_note = "the " + group_name + " group has " + std::to_string(group.size) +
                       " members; at least " + std::to_string(kMinGroupSize) + " are needed";
    return;
  }
  if (group.conversions < kMinGroupEvents) {
    report.sufficiency = DataSufficiency::kFewEvents;
    report.data_note = "the " + group_name + " group has " + std::to_string(group.conversions) +
                       " conversions; at least " + std::to_string(kMinGroupEvents) + " are needed";
    return;
  }
  const int64_t non_conversions = group.size - group.conversions;
  if (non_conversions < kMinGroupEvents) {
    report.sufficiency = DataSufficiency::kFewEvents;
    report.data_note = "the " + group_name + " group has " + std::to_string(non_conversions) +
                       " members who did not convert; at least " + std::to_string(kMinGroupEvents) +
                       " are needed";
  }
}

}  // namespace

void ValidateGroupOutcome(const GroupOutcome& group, const std::string& field) {
  if (group.size < 0) {
    throw InvalidArgument(field + ".size", "must not be negative");
  }
  if (group.conversions < 0 || group.conversions > group.size) {
    throw InvalidArgument(field + ".conversions", "must be between 0 and size");
  }
  if (group.revenue_minor < 0) {
    throw InvalidArgument(field + ".revenue_minor", "must not be negative");
  }
}

Interval WilsonInterval(int64_t successes, int64_t trials, double z) {
  if (trials <= 0) {
    throw InvalidArgument("trials", "must be positive");
  }
  if (successes < 0 || successes > trials) {
    throw InvalidArgument("successes", "must be between 0 and trials");
  }
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double z2 = z * z;
  const double denominator = 1.0 + z2 / n;
  const double centre = (p + z2 / (2.0 * n)) / denominator;
  const double half = z / denominator * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
  return Interval{std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

Interval NewcombeDifferenceInterval(int64_t successes1, int64_t trials1, int64_t successes2,
                                    int64_t trials2, double z) {
  const Interval first = WilsonInterval(successes1, trials1, z);
  const Interval second = WilsonInterval(successes2, trials2, z);
  const double p1 = static_cast<double>(successes1) / static_cast<double>(trials1);
  const double p2 = static_cast<double>(successes2) / static_cast<double>(trials2);
  const double difference = p1 - p2;
  return Interval{
      difference - std::hypot(p1 - first.low, second.high - p2),
      difference + std::hypot(first.high - p1, p2 - second.low),
  };
}

const char* Name(DataSufficiency sufficiency) {
  switch (sufficiency) {
    case DataSufficiency::kEnough:
      return "enough";
    case DataSufficiency::kEmptyGroup:
      return "empty_group";
    case DataSufficiency::kSmallGroup:
      return "small_group";
    case DataSufficiency::kFewEvents:
      return "few_events";
  }
  return "unknown";
}

UpliftReport BuildUpliftReport(const GroupOutcome& treatment, const GroupOutcome& holdout) {
  ValidateGroupOutcome(treatment, "treatment");
  ValidateGroupOutcome(holdout, "holdout");

  UpliftReport report;
  report.sufficiency = DataSufficiency::kEnough;
  JudgeSufficiency(treatment, "treatment", report);
  JudgeSufficiency(holdout, "holdout", report);

  if (treatment.size > 0) {
    report.treatment_rate = Rate(treatment);
  }
  if (holdout.size > 0) {
    report.holdout_rate = Rate(holdout);
  }
  if (!report.treatment_rate.has_value() || !report.holdout_rate.has_value()) {
    return report;
  }
  const double pt = *report.treatment_rate;
  const double ph = *report.holdout_rate;
  report.absolute_uplift_pp = 100.0 * (pt - ph);
  if (holdout.conversions > 0) {
    report.relative_uplift = (pt - ph) / ph;
  }
  report.incremental_conversions = (pt - ph) * static_cast<double>(treatment.size);
  report.incremental_revenue_minor = IncrementalRevenue(treatment, holdout);
  const Interval difference = NewcombeDifferenceInterval(treatment.conversions, treatment.size,
                                                         holdout.conversions, holdout.size);
  report.uplift_interval_pp = Interval{100.0 * difference.low, 100.0 * difference.high};
  return report;
}

}  // namespace clienttier::campaign
