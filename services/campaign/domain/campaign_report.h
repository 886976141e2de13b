#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace clienttier::campaign {

// Outcomes of one group of a campaign: how many clients it holds, how many converted and the
// revenue their conversions brought, in minor units of the tenant's currency.
struct GroupOutcome {
  int64_t size = 0;
  int64_t conversions = 0;
  int64_t revenue_minor = 0;
};

// Throws InvalidArgument: "<field>.size: must not be negative",
// "<field>.conversions: must be between 0 and size", "<field>.revenue_minor: must not be
// negative".
void ValidateGroupOutcome(const GroupOutcome& group, const std::string& field);

struct Interval {
  double low = 0.0;
  double high = 0.0;
};

// The two-sided 95% normal quantile.
inline constexpr double kZ95 = 1.959963984540054;

// Wilson's score interval for a proportion (Wilson 1927), with p = successes / trials:
//   centre    = (p + z^2 / 2n) / (1 + z^2 / n)
//   half      = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / 4n^2)
//   interval  = [centre - half, centre + half], clamped to [0, 1] against rounding
// Unlike Wald's p +- z sqrt(p(1-p)/n) it stays inside [0, 1] and does not collapse to a point at
// 0 or n successes. Requires 0 <= successes <= trials and trials > 0 (throws InvalidArgument).
Interval WilsonInterval(int64_t successes, int64_t trials, double z = kZ95);

// Newcombe's hybrid score interval for p1 - p2 (Newcombe 1998, method 10), built from the two
// Wilson intervals [l1, u1] and [l2, u2]:
//   low  = (p1 - p2) - sqrt((p1 - l1)^2 + (u2 - p2)^2)
//   high = (p1 - p2) + sqrt((u1 - p1)^2 + (p2 - l2)^2)
// Chosen over Wald because campaign groups are often small or have rates near 0, where Wald's
// interval is too narrow and can leave [-1, 1]. Same preconditions as WilsonInterval per group.
Interval NewcombeDifferenceInterval(int64_t successes1, int64_t trials1, int64_t successes2,
                                    int64_t trials2, double z = kZ95);

// Below these the report says "not enough data". 30 members and 5 events per group is the
// usual rule of thumb for a difference of proportions; the events are counted both ways, as a
// rate near 100% is as poorly measured as one near 0%.
inline constexpr int64_t kMinGroupSize = 30;
inline constexpr int64_t kMinGroupEvents = 5;

enum class DataSufficiency {
  kEnough = 0,
  kEmptyGroup = 1,  // a group has no members: nothing to compare
  kSmallGroup = 2,  // a group has fewer than kMinGroupSize members
  kFewEvents = 3,   // a group has fewer than kMinGroupEvents conversions or non-conversions
};
// "enough", "empty_group", "small_group", "few_events".
const char* Name(DataSufficiency sufficiency);

// Treatment against holdout. Rates are proportions (0.15 = 15%); uplift and its interval are in
// percentage points. A value that needs a group with no members, or (relative uplift) a holdout
// that never converted, is nullopt. The figures are filled even when the data is not enough; a
// report shows them with data_note.
struct UpliftReport {
  std::optional<double> treatment_rate;
  std::optional<double> holdout_rate;
  std::optional<double> absolute_uplift_pp;       // 100 (pt - ph)
  std::optional<double> relative_uplift;          // (pt - ph) / ph: 0.5 = 50% more
  std::optional<double> incremental_conversions;  // (pt - ph) * treatment size
  // treatment revenue - round(holdout revenue * treatment size / holdout size), computed exactly
  // in 128-bit integers and rounded half up: the revenue the treatment group brought beyond what
  // it would have at the holdout's revenue per member.
  std::optional<int64_t> incremental_revenue_minor;
  std::optional<Interval> uplift_interval_pp;  // 95%, Newcombe, in percentage points
  DataSufficiency sufficiency = DataSufficiency::kEmptyGroup;
  std::string data_note;  // empty when enough; else says which group falls short and how

  bool enough_data() const { return sufficiency == DataSufficiency::kEnough; }
};

// Validates both groups (fields "treatment" and "holdout") and compares them.
UpliftReport BuildUpliftReport(const GroupOutcome& treatment, const GroupOutcome& holdout);

}  // namespace clienttier::campaign
