// The cohort table and LTV/CAC by channel (issue 17 part 7) on a tenant worked out by hand.
#include <gtest/gtest.h>

#include <vector>

#include "services/scoring/domain/calendar_days.h"
#include "services/scoring/domain/cohort_report.h"

namespace clienttier::scoring {
namespace {

Day On(int year, int month, int day) { return DayFromCivil(CivilDate{year, month, day}); }

// A and B acquired in January 2026, C and D in February; E never active. As of 2026-03-15.
std::vector<CohortClient> Tenant() {
  return {
      {On(2026, 1, 5),
       "ads",
       {{On(2026, 1, 5), 1000}, {On(2026, 2, 10), 500}, {On(2026, 3, 1), 300}}},
      {On(2026, 1, 20),
       "referral",
       {{On(2026, 3, 14), 1000}, {On(2026, 1, 20), 2000}, {On(2026, 3, 20), 9999}}},  // after as_of
      {On(2026, 2, 3), "ads", {{On(2026, 2, 3), 700}}},
      {On(2026, 2, 28), "ads", {}},  // acquired_at given, no purchase yet
      {kNever, "ads", {}},
  };
}

void ExpectCell(const CohortCell& cell, int months_since, int64_t active, double retention,
                int64_t revenue, double cumulative_per_client) {
  EXPECT_EQ(cell.months_since, months_since);
  EXPECT_EQ(cell.active_clients, active) << months_since;
  EXPECT_DOUBLE_EQ(cell.retention, retention) << months_since;
  EXPECT_EQ(cell.revenue_minor, revenue) << months_since;
  EXPECT_DOUBLE_EQ(cell.cumulative_revenue_per_client_minor, cumulative_per_client) << months_since;
}

TEST(CohortReportTest, MonthsSinceAcquisitionAsComputedByHand) {
  const std::vector<CohortRow> rows = BuildCohorts(Tenant(), On(2026, 3, 15), "");
  ASSERT_EQ(rows.size(), 2u);
  // January: A and B. Month 0 both bought (3,000); February only A (500); March both (1,300;
  // B's purchase of the 20th is after as_of).
  EXPECT_EQ(rows[0].year, 2026);
  EXPECT_EQ(rows[0].month, 1);
  EXPECT_EQ(rows[0].clients, 2);
  ASSERT_EQ(rows[0].cells.size(), 3u);
  ExpectCell(rows[0].cells[0], 0, 2, 1.0, 3000, 1500.0);
  ExpectCell(rows[0].cells[1], 1, 1, 0.5, 500, 1750.0);
  ExpectCell(rows[0].cells[2], 2, 2, 1.0, 1300, 2400.0);
  // February: C bought once, D not yet.
  EXPECT_EQ(rows[1].month, 2);
  EXPECT_EQ(rows[1].clients, 2);
  ASSERT_EQ(rows[1].cells.size(), 2u);
  ExpectCell(rows[1].cells[0], 0, 1, 0.5, 700, 350.0);
  ExpectCell(rows[1].cells[1], 1, 0, 0.0, 0, 350.0);
}

TEST(CohortReportTest, AChannelFilterKeepsOnlyItsClients) {
  const std::vector<CohortRow> rows = BuildCohorts(Tenant(), On(2026, 3, 15), "ads");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].clients, 1);  // A only
  ExpectCell(rows[0].cells[0], 0, 1, 1.0, 1000, 1000.0);
  ExpectCell(rows[0].cells[1], 1, 1, 1.0, 500, 1500.0);
  ExpectCell(rows[0].cells[2], 2, 1, 1.0, 300, 1800.0);
  EXPECT_EQ(rows[1].clients, 2);
  EXPECT_TRUE(BuildCohorts(Tenant(), On(2026, 3, 15), "events").empty());
}

TEST(CohortReportTest, LtvToCacByChannel) {
  const std::vector<ChannelEconomics> channels = ChannelLtvToCac({
      {"ads", 2000, 1800, 1000},
      {"referral", 0, 3000, 2500},
      {"ads", 2000, 700, 300},
      {"ads", 1000, 0, 0},
  });
  ASSERT_EQ(channels.size(), 2u);
  EXPECT_EQ(channels[0].channel, "ads");
  EXPECT_EQ(channels[0].clients, 3);
  EXPECT_EQ(channels[0].acquisition_cost_minor, 5000);
  EXPECT_EQ(channels[0].revenue_to_date_minor, 2500);
  EXPECT_EQ(channels[0].clv_minor, 1300);
  EXPECT_DOUBLE_EQ(channels[0].ltv_to_cac, (2500.0 + 1300.0) / 5000.0);
  // A channel that cost nothing has no ratio rather than an infinite one.
  EXPECT_EQ(channels[1].channel, "referral");
  EXPECT_EQ(channels[1].ltv_to_cac, 0.0);
}

// A report sums each range of the tenant on its own and merges the sums (CohortReports reads
// ranges on several connections): the merged rows are the rows of one pass.
TEST(CohortReportTest, TalliesOfPartsMergeIntoTheRowsOfOnePass) {
  std::vector<CohortClient> clients = Tenant();
  // F, acquired in January, paid twice in February: one active client that month, both sums.
  clients.push_back({On(2026, 1, 8), "ads", {{On(2026, 2, 1), 100}, {On(2026, 2, 20), 200}}});
  const Day as_of = On(2026, 3, 15);
  const std::vector<CohortRow> whole = BuildCohorts(clients, as_of, "");
  ASSERT_EQ(whole.size(), 2u);
  ExpectCell(whole[0].cells[1], 1, 2, 2.0 / 3.0, 800, (3000.0 + 800.0) / 3.0);

  CohortTally first(as_of, "");
  CohortTally second(as_of, "");
  for (size_t i = 0; i < clients.size(); ++i) {
    (i % 2 == 0 ? first : second).Add(clients[i]);
  }
  first.Merge(second);
  const std::vector<CohortRow> merged = first.Rows();
  ASSERT_EQ(merged.size(), whole.size());
  for (size_t r = 0; r < whole.size(); ++r) {
    EXPECT_EQ(merged[r].month, whole[r].month);
    EXPECT_EQ(merged[r].clients, whole[r].clients);
    ASSERT_EQ(merged[r].cells.size(), whole[r].cells.size());
    for (size_t c = 0; c < whole[r].cells.size(); ++c) {
      const CohortCell& cell = whole[r].cells[c];
      ExpectCell(merged[r].cells[c], cell.months_since, cell.active_clients, cell.retention,
                 cell.revenue_minor, cell.cumulative_revenue_per_client_minor);
    }
  }
}

TEST(CohortReportTest, ChannelTalliesMergeIntoTheEconomicsOfOnePass) {
  const std::vector<ChannelClient> clients = {
      {"ads", 2000, 1800, 1000}, {"referral", 0, 3000, 2500}, {"ads", 2000, 700, 300}};
  ChannelTally first;
  first.Add(clients[0]);
  ChannelTally second;
  second.Add(clients[1]);
  second.Add(clients[2]);
  first.Merge(second);
  const std::vector<ChannelEconomics> merged = first.Economics();
  const std::vector<ChannelEconomics> whole = ChannelLtvToCac(clients);
  ASSERT_EQ(merged.size(), 2u);
  ASSERT_EQ(whole.size(), 2u);
  for (size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(merged[i].channel, whole[i].channel);
    EXPECT_EQ(merged[i].clients, whole[i].clients);
    EXPECT_EQ(merged[i].acquisition_cost_minor, whole[i].acquisition_cost_minor);
    EXPECT_EQ(merged[i].revenue_to_date_minor, whole[i].revenue_to_date_minor);
    EXPECT_EQ(merged[i].clv_minor, whole[i].clv_minor);
    EXPECT_DOUBLE_EQ(merged[i].ltv_to_cac, whole[i].ltv_to_cac);
  }
  EXPECT_EQ(merged[0].clients, 2);
  EXPECT_DOUBLE_EQ(merged[0].ltv_to_cac, (2500.0 + 1300.0) / 4000.0);
}

}  // namespace
}  // namespace clienttier::scoring
