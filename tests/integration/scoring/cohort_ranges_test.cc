// GetCohortReport's read of a tenant larger than one range, on the real MariaDB: the report
// reads ranges of 5,000 clients on two connections at once and sums each on its own, so a
// range read twice, skipped or summed into the wrong cohort changes the counts checked here
// against the seeded tenant's, computed by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <cppconn/statement.h>

#include "common/db/mysql_pool.h"
#include "common/db/transaction.h"
#include "services/scoring/app/cohort_reports.h"
#include "services/scoring/app/score_calculator.h"
#include "services/scoring/domain/calendar_days.h"
#include "services/scoring/scoring_app.h"
#include "services/scoring/storage/mysql/mysql_aggregate_repository.h"
#include "services/scoring/storage/mysql/mysql_exchange_rate_repository.h"
#include "services/scoring/storage/mysql/mysql_version_repository.h"
#include "tests/support/test_env.h"

namespace clienttier::scoring {
namespace {

constexpr char kTenant[] = "cohort-tenant";
// Three ranges: 5,000 + 5,000 + 2,001 clients.
constexpr int kClients = 12'001;
const Day kJanuary10 = DayFromCivil({2024, 1, 10});
const Day kAsOf = DayFromCivil({2024, 6, 30});

class CohortRangesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MySqlConfig mysql = clienttier::testing::MySqlFromEnv(
        clienttier::testing::UniqueDatabaseName("scoring_cohort_ranges"));
    mysql.pool_size = 4;
    ScoringApp::Migrate(mysql);
    pool_ = std::make_unique<MySqlPool>(mysql, nullptr);
    transactions_ = std::make_unique<MySqlTransactionRunner>(*pool_);
    calculator_ = std::make_unique<ScoreCalculator>(versions_, aggregates_, rates_, "CNY");
    Seed(kTenant, kClients);
    Seed("other-tenant", 300);  // in no report of kTenant
    // An erased client (odd: February's cohort) is in no cohort and no channel.
    Execute(std::string("UPDATE client_aggregates SET erased = 1 WHERE tenant_id = '") + kTenant +
            "' AND client_id = 'c00007'");
  }

  void Execute(const std::string& sql) {
    pool_->WithConnection([&](sql::Connection& connection) {
      std::unique_ptr<sql::Statement>(connection.createStatement())->execute(sql);
    });
  }

  // Client i: acquired on January 10 (even i) or February 10 (odd i), through "ads" (i % 3 == 0)
  // or "referral", at a cost of 200; paid 1,000 that day. Every client with i % 4 == 0 paid
  // again 35 and 36 days later (500 each, both in the next month). Ids are test literals.
  void Seed(const std::string& tenant_id, int clients) {
    for (int begin = 0; begin < clients; begin += 1000) {
      std::string aggregates =
          "INSERT INTO client_aggregates (tenant_id, client_id, last_activity_day, acquired_day, "
          "first_activity_day, acquisition_channel, acquisition_cost_minor, "
          "acquisition_cost_currency, updated_at) VALUES ";
      std::string days =
          "INSERT INTO client_activity_days (tenant_id, client_id, day, currency, purchases, "
          "sessions, spend_minor) VALUES ";
      for (int i = begin; i < std::min(clients, begin + 1000); ++i) {
        char id[16];
        std::snprintf(id, sizeof id, "c%05d", i);
        const Day acquired = kJanuary10 + (i % 2 == 0 ? 0 : 31);
        const std::string key = "('" + tenant_id + "','" + std::string(id) + "',";
        const std::string channel = i % 3 == 0 ? "ads" : "referral";
        aggregates += std::string(i == begin ? "" : ",") + key + std::to_string(acquired + 36) +
                      "," + std::to_string(acquired) + "," + std::to_string(acquired) + ",'" +
                      channel + "',200,'CNY','2024-06-30 00:00:00')";
        days += std::string(i == begin ? "" : ",") + key + std::to_string(acquired) +
                ",'CNY',1,0,1000)";
        if (i % 4 == 0) {
          days += "," + key + std::to_string(acquired + 35) + ",'CNY',1,0,500)," + key +
                  std::to_string(acquired + 36) + ",'CNY',1,0,500)";
        }
      }
      Execute(aggregates);
      Execute(days);
    }
  }

  std::unique_ptr<MySqlPool> pool_;
  std::unique_ptr<MySqlTransactionRunner> transactions_;
  MySqlAggregateRepository aggregates_;
  MySqlVersionRepository versions_;
  MySqlExchangeRateRepository rates_;
  std::unique_ptr<ScoreCalculator> calculator_;
};

TEST_F(CohortRangesTest, TwoReadersCountEveryClientOnceInItsCohortAndChannel) {
  const CohortReports reports(*transactions_, *calculator_, aggregates_, 2);
  const v1::CohortReport report = reports.Report(kTenant, kAsOf, "");

  // Even ids 0..12000: 6,001 in January; odd: 6,000 in February, less the erased c00007.
  ASSERT_EQ(report.clients(), kClients - 1);
  ASSERT_EQ(report.cohorts_size(), 2);
  const v1::CohortRow& january = report.cohorts(0);
  const v1::CohortRow& february = report.cohorts(1);
  EXPECT_EQ(january.acquisition_month(), "2024-01");
  EXPECT_EQ(january.clients(), 6001);
  EXPECT_EQ(february.acquisition_month(), "2024-02");
  EXPECT_EQ(february.clients(), 5999);
  // Month 0: everyone paid 1,000.
  EXPECT_EQ(january.cells(0).active_clients(), 6001);
  EXPECT_EQ(january.cells(0).revenue().units(), 6001 * 1000);
  EXPECT_EQ(february.cells(0).active_clients(), 5999);
  // Month 1: ids divisible by 4 (all even: January's), 3,001 of them, each once for two days.
  EXPECT_EQ(january.cells(1).active_clients(), 3001);
  EXPECT_EQ(january.cells(1).revenue().units(), 3001 * 1000);
  EXPECT_EQ(february.cells(1).active_clients(), 0);
  EXPECT_EQ(january.cells(2).active_clients(), 0);

  // Channels: "ads" is every id divisible by 3 (4,001), "referral" the rest less c00007.
  ASSERT_EQ(report.channels_size(), 2);
  const v1::ChannelEconomics& ads = report.channels(0);
  const v1::ChannelEconomics& referral = report.channels(1);
  EXPECT_EQ(ads.channel(), "ads");
  EXPECT_EQ(ads.clients(), 4001);
  EXPECT_EQ(ads.acquisition_cost().units(), 4001 * 200);
  EXPECT_EQ(referral.channel(), "referral");
  EXPECT_EQ(referral.clients(), 7999);
  EXPECT_EQ(ads.revenue_to_date().units() + referral.revenue_to_date().units(),
            int64_t{6001 + 5999} * 1000 + 3001 * 1000);

  // One reader reads the same ranges one after another: the same report.
  const v1::CohortReport alone =
      CohortReports(*transactions_, *calculator_, aggregates_, 1).Report(kTenant, kAsOf, "");
  EXPECT_EQ(alone.SerializeAsString(), report.SerializeAsString());
}

}  // namespace
}  // namespace clienttier::scoring
