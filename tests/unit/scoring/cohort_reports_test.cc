// GetCohortReport's use case (issue 17 part 7) over the fakes: a handful of clients whose
// cohort cells, costs and revenue are computed by hand below.
#include "services/scoring/app/cohort_reports.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "services/scoring/domain/calendar_days.h"
#include "tests/support/scoring/fake_scoring_world.h"

namespace clienttier::scoring {
namespace {

using testing::FakeScoringWorld;

constexpr char kTenant[] = "t1";
const Day kAsOf = DayFromCivil({2024, 3, 31});

class CohortReportsTest : public ::testing::Test {
 protected:
  CohortReportsTest() {
    // 7.10 CNY per USD from 2024-01-01; no EUR or JPY rate.
    v1::ExchangeRate usd;
    usd.set_currency("USD");
    usd.set_reporting_currency("CNY");
    *usd.mutable_effective_from() = ToProtoTimestamp(DayFromCivil({2024, 1, 1}) * kMicrosPerDay);
    usd.set_reporting_minor_per_minor_micros(7'100'000);
    world_.rates.rows[{kTenant, "CNY", "USD", FromProtoTimestamp(usd.effective_from())}] = usd;

    // January's cohort (search): a1 and a2, acquired_at given.
    Acquire("a1", DayFromCivil({2024, 1, 10}), "search", 1000, "CNY");
    Pay("a1", DayFromCivil({2024, 1, 10}), 500);
    Pay("a1", DayFromCivil({2024, 2, 5}), 300);
    Pay("a1", DayFromCivil({2024, 3, 2}), 200);
    Acquire("a2", DayFromCivil({2024, 1, 20}), "search", 3000, "CNY");
    Pay("a2", DayFromCivil({2024, 1, 25}), 1000);
    Pay("a2", DayFromCivil({2024, 3, 15}), 100, "EUR");  // no rate: active, no revenue
    // February's (referral): b1 gave no acquisition day; its first activity is a login.
    Client& b1 = world_.aggregates.clients[{kTenant, "b1"}];
    b1.counters.acquisition_channel = "referral";
    b1.counters.first_activity_day = DayFromCivil({2024, 2, 11});
    Pay("b1", DayFromCivil({2024, 2, 20}), 800);
    Pay("b1", kAsOf + 2, 999);  // after as_of: left out
    // March's (referral): b2 never bought; its cost is in yen, which has no rate.
    Acquire("b2", DayFromCivil({2024, 3, 5}), "referral", 500, "JPY");
    // p1 (search): no acquisition day, no activity; its cost still counts, in USD.
    Client& p1 = world_.aggregates.clients[{kTenant, "p1"}];
    p1.counters.acquisition_channel = "search";
    p1.counters.acquisition_cost_minor = 300;
    p1.counters.acquisition_cost_currency = "USD";
    // Erased: in nothing.
    Acquire("e1", DayFromCivil({2024, 1, 3}), "search", 7000, "CNY");
    Pay("e1", DayFromCivil({2024, 1, 3}), 9000);
    world_.aggregates.clients[{kTenant, "e1"}].erased = true;
  }

  using Client = testing::FakeAggregateRepository::Client;

  void Acquire(const std::string& client_id, Day day, const std::string& channel,
               int64_t cost_minor, const std::string& currency) {
    Client& client = world_.aggregates.clients[{kTenant, client_id}];
    client.counters.acquired_day = day;
    client.counters.acquisition_channel = channel;
    client.counters.acquisition_cost_minor = cost_minor;
    client.counters.acquisition_cost_currency = currency;
  }

  void Pay(const std::string& client_id, Day day, int64_t spend_minor,
           const std::string& currency = "CNY") {
    Client& client = world_.aggregates.clients[{kTenant, client_id}];
    PaidDay& paid = client.days[{day, currency}];
    paid.day = day;
    paid.currency = currency;
    paid.purchases += 1;
    paid.spend_minor += spend_minor;
    client.counters.last_activity_day = std::max(client.counters.last_activity_day, day);
    if (client.counters.first_activity_day == kNever || day < client.counters.first_activity_day) {
      client.counters.first_activity_day = day;
    }
  }

  FakeScoringWorld world_;
  CohortReports reports_{world_.transactions, world_.calculator, world_.aggregates, 1};
};

void ExpectCell(const v1::CohortCell& cell, int months_since, int64_t active, double retention,
                int64_t revenue, double cumulative_per_client) {
  EXPECT_EQ(cell.months_since(), months_since);
  EXPECT_EQ(cell.active_clients(), active) << cell.ShortDebugString();
  EXPECT_DOUBLE_EQ(cell.retention_percent(), retention) << cell.ShortDebugString();
  EXPECT_EQ(cell.revenue().units(), revenue) << cell.ShortDebugString();
  EXPECT_EQ(cell.revenue().currency(), "CNY");
  EXPECT_DOUBLE_EQ(cell.cumulative_revenue_per_client_minor(), cumulative_per_client)
      << cell.ShortDebugString();
}

TEST_F(CohortReportsTest, CohortsByAcquisitionMonthAsComputedByHand) {
  const v1::CohortReport report = reports_.Report(kTenant, kAsOf, "");
  EXPECT_EQ(report.currency(), "CNY");
  EXPECT_EQ(FromProtoTimestamp(report.as_of()), kAsOf * kMicrosPerDay);
  EXPECT_EQ(report.clients(), 4);                          // a1, a2, b1, b2
  EXPECT_EQ(report.clients_without_acquisition_day(), 1);  // p1
  EXPECT_EQ(report.unconverted_occasions(), 1);            // a2's EUR purchase
  ASSERT_EQ(report.cohorts_size(), 3);

  const v1::CohortRow& january = report.cohorts(0);
  EXPECT_EQ(january.acquisition_month(), "2024-01");
  EXPECT_EQ(january.clients(), 2);
  ASSERT_EQ(january.cells_size(), 3);
  ExpectCell(january.cells(0), 0, 2, 100.0, 1500, 750.0);
  ExpectCell(january.cells(1), 1, 1, 50.0, 300, 900.0);
  ExpectCell(january.cells(2), 2, 2, 100.0, 200, 1000.0);

  const v1::CohortRow& february = report.cohorts(1);
  EXPECT_EQ(february.acquisition_month(), "2024-02");
  EXPECT_EQ(february.clients(), 1);
  ASSERT_EQ(february.cells_size(), 2);
  ExpectCell(february.cells(0), 0, 1, 100.0, 800, 800.0);
  ExpectCell(february.cells(1), 1, 0, 0.0, 0, 800.0);

  const v1::CohortRow& march = report.cohorts(2);
  EXPECT_EQ(march.acquisition_month(), "2024-03");
  ASSERT_EQ(march.cells_size(), 1);
  ExpectCell(march.cells(0), 0, 0, 0.0, 0, 0.0);
}

TEST_F(CohortReportsTest, LtvToCacByChannelFromTheStoredCostAndTheClv) {
  const v1::CohortReport report = reports_.Report(kTenant, kAsOf, "");
  ASSERT_EQ(report.channels_size(), 2);
  const v1::ChannelEconomics& referral = report.channels(0);
  EXPECT_EQ(referral.channel(), "referral");
  EXPECT_EQ(referral.clients(), 2);
  EXPECT_EQ(referral.acquisition_cost().units(), 0);
  EXPECT_EQ(referral.unconverted_cost_clients(), 1);  // b2's yen
  EXPECT_EQ(referral.revenue_to_date().units(), 800);
  EXPECT_EQ(referral.ltv_to_cac(), 0.0);  // no converted cost: no ratio

  const v1::ChannelEconomics& search = report.channels(1);
  EXPECT_EQ(search.channel(), "search");
  EXPECT_EQ(search.clients(), 3);  // a1, a2 and p1, not the erased e1
  // 1000 + 3000 fen, and p1's 300 cents at 7.10.
  EXPECT_EQ(search.acquisition_cost().units(), 1000 + 3000 + 2130);
  EXPECT_EQ(search.acquisition_cost().currency(), "CNY");
  EXPECT_EQ(search.revenue_to_date().units(), 500 + 300 + 200 + 1000);
  EXPECT_EQ(search.unconverted_cost_clients(), 0);
  // The CLV is each client's estimate with the tenant's model, as its score has it.
  TenantContext context;
  world_.transactions.Read([&](Transaction& transaction) {
    context = world_.calculator.LoadStoredContext(transaction, kTenant);
  });
  int64_t clv = 0;
  for (const char* id : {"a1", "a2", "p1"}) {
    const Client& client = world_.aggregates.clients.at({kTenant, id});
    std::vector<PaidDay> days;
    for (const auto& [key, day] : client.days) {
      days.push_back(day);
    }
    clv += world_.calculator
               .EstimateFor(context,
                            BuildClientFacts(id, days, client.counters, context.conversion, kAsOf),
                            kAsOf)
               .clv_minor;
  }
  EXPECT_EQ(search.clv().units(), clv);
  EXPECT_GT(clv, 0);
  EXPECT_DOUBLE_EQ(search.ltv_to_cac(), static_cast<double>(2000 + clv) / 6130.0);
}

TEST_F(CohortReportsTest, OneChannelOnly) {
  const v1::CohortReport report = reports_.Report(kTenant, kAsOf, "referral");
  EXPECT_EQ(report.acquisition_channel(), "referral");
  ASSERT_EQ(report.cohorts_size(), 2);
  EXPECT_EQ(report.cohorts(0).acquisition_month(), "2024-02");
  EXPECT_EQ(report.cohorts(1).acquisition_month(), "2024-03");
  ASSERT_EQ(report.channels_size(), 1);
  EXPECT_EQ(report.channels(0).channel(), "referral");
  EXPECT_EQ(report.clients(), 2);
  EXPECT_EQ(report.clients_without_acquisition_day(), 0);
  EXPECT_TRUE(reports_.Report(kTenant, kAsOf, "billboards").cohorts().empty());
}

TEST_F(CohortReportsTest, AnEarlierAsOfCountsOnlyWhatHadHappened) {
  const v1::CohortReport report = reports_.Report(kTenant, DayFromCivil({2024, 2, 10}), "");
  // b1 (first active on 2024-02-11) and b2 (acquired in March) are not acquired yet.
  ASSERT_EQ(report.cohorts_size(), 1);
  EXPECT_EQ(report.cohorts(0).clients(), 2);
  ASSERT_EQ(report.cohorts(0).cells_size(), 2);
  ExpectCell(report.cohorts(0).cells(1), 1, 1, 50.0, 300, 900.0);
}

}  // namespace
}  // namespace clienttier::scoring
