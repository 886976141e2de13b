#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "clienttier/profile/v1/profile_service.pb.h"
#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "tools/tierctl/cohort_grid.h"
#include "tools/tierctl/money_text.h"
#include "tools/tierctl/output.h"
#include "tools/tierctl/request_builder.h"

namespace clienttier::tierctl {
namespace {

namespace pv1 = ::clienttier::profile::v1;
namespace sv1 = ::clienttier::scoring::v1;

TEST(RequestBuilder, FlagsFillScalarsNestedFieldsEnumsListsAndTimes) {
  pv1::RecordTransactionRequest request;
  const std::string error =
      BuildRequest({{"transaction.client-id", "c-1"},
                    {"transaction.kind", "purchase"},
                    {"transaction.amount", R"({"units": 12050, "currency": "CNY"})"},
                    {"transaction.occurred-at", "2026-11-24T10:00:00Z"}},
                   request);
  ASSERT_EQ(error, "");
  EXPECT_EQ(request.transaction().client_id(), "c-1");
  EXPECT_EQ(request.transaction().kind(), pv1::TRANSACTION_KIND_PURCHASE);
  EXPECT_EQ(request.transaction().amount().units(), 12050);
  EXPECT_EQ(request.transaction().occurred_at().seconds(), 1795514400);

  sv1::StreamScoresRequest scores;
  ASSERT_EQ(BuildRequest({{"tiers", "T1,T2"}, {"lifecycles", "LIFECYCLE_STAGE_DORMANT"}}, scores),
            "");
  ASSERT_EQ(scores.tiers_size(), 2);
  EXPECT_EQ(scores.tiers(1), sv1::TIER_T2);
  EXPECT_EQ(scores.lifecycles(0), sv1::LIFECYCLE_STAGE_DORMANT);
}

TEST(RequestBuilder, JsonComesFirstAndFlagsOverrideIt) {
  sv1::BatchRescoreRequest request;
  ASSERT_EQ(
      BuildRequest({{"shard-count", "8"}, {"json", R"({"shard_index": 3, "shard_count": 4})"}},
                   request),
      "");
  EXPECT_EQ(request.shard_index(), 3);
  EXPECT_EQ(request.shard_count(), 8);
}

TEST(RequestBuilder, MistakesNameTheFlag) {
  sv1::BatchRescoreRequest request;
  EXPECT_EQ(BuildRequest({{"shard-indx", "1"}}, request),
            "--shard-indx: clienttier.scoring.v1.BatchRescoreRequest has no field shard_indx");
  EXPECT_EQ(BuildRequest({{"shard-index", "one"}}, request),
            "--shard-index: shard_index: 'one' is not a number");
  sv1::StreamScoresRequest scores;
  EXPECT_EQ(BuildRequest({{"tiers", "T9"}}, scores), "--tiers: tiers: 'T9' is not a value of Tier");
  EXPECT_NE(BuildRequest({{"json", "{"}}, scores), "");
}

TEST(Output, TablesListMessagesAndFormatMoney) {
  pv1::ListClientsResponse response;
  pv1::Client& client = *response.add_clients();
  client.set_client_id("c-1");
  client.set_version(3);
  response.mutable_page()->set_next_page_token("c-1");
  const std::string table = ToTable(response);
  EXPECT_NE(table.find("page.next_page_token: c-1"), std::string::npos) << table;
  EXPECT_NE(table.find("client_id"), std::string::npos) << table;
  EXPECT_NE(table.find("c-1        3"), std::string::npos) << table;

  sv1::Score score;
  score.mutable_lifetime_spend()->set_units(-5);
  score.mutable_lifetime_spend()->set_currency("CNY");
  score.mutable_value_12m()->set_units(123456);
  score.mutable_value_12m()->set_currency("JPY");
  const std::string lines = ToTable(score);
  EXPECT_NE(lines.find("lifetime_spend: -0.05 CNY"), std::string::npos) << lines;
  EXPECT_NE(lines.find("value_12m: 123456 JPY"), std::string::npos) << lines;
  EXPECT_EQ(ToJson(score, true).find('\n'), std::string::npos);
}

TEST(Output, EveryListOfAResponseIsATableUnderItsName) {
  sv1::ClvModelEvaluation evaluation;
  evaluation.set_clients(40);
  evaluation.mutable_bg_nbd()->set_status("converged");
  sv1::HoldoutPurchasesRow& purchases = *evaluation.add_purchases_by_frequency();
  purchases.set_calibration_frequency(7);
  purchases.set_and_more(true);
  purchases.set_clients(12);
  sv1::HoldoutSpendRow& spend = *evaluation.add_spend_by_frequency();
  spend.set_calibration_frequency(2);
  spend.set_clients(5);
  spend.set_mean_actual_spend_minor(1234.5);
  const std::string table = ToTable(evaluation);
  EXPECT_NE(table.find("clients: 40"), std::string::npos) << table;
  EXPECT_NE(table.find("bg_nbd.status: converged"), std::string::npos) << table;
  // The first list unnamed, as a List RPC's; the second under its name, with its own columns.
  const size_t purchases_header = table.find("calibration_frequency  and_more  clients");
  const size_t spend_title = table.find("\nspend_by_frequency:\n");
  ASSERT_NE(purchases_header, std::string::npos) << table;
  ASSERT_NE(spend_title, std::string::npos) << table;
  EXPECT_LT(purchases_header, spend_title) << table;
  EXPECT_NE(table.find("mean_actual_spend_minor", spend_title), std::string::npos) << table;
  EXPECT_NE(table.find("1234.5", spend_title), std::string::npos) << table;
  EXPECT_EQ(table.find("purchases_by_frequency:"), std::string::npos) << table;
}

TEST(MoneyText, AmountsAsPeopleWriteThemBecomeMinorUnits) {
  const auto minor = [](const std::string& text) {
    int64_t units = 0;
    std::string currency;
    const std::string error = ParseMoneyText(text, &units, &currency);
    EXPECT_EQ(error, "") << text;
    return std::to_string(units) + " " + currency;
  };
  EXPECT_EQ(minor("500.00 CNY"), "50000 CNY");
  EXPECT_EQ(minor("500 cny"), "50000 CNY");
  EXPECT_EQ(minor("CNY 500.5"), "50050 CNY");
  EXPECT_EQ(minor("1,250.00 USD"), "125000 USD");
  EXPECT_EQ(minor("0.07 CNY"), "7 CNY");
  EXPECT_EQ(minor("1000 JPY"), "1000 JPY");
  EXPECT_EQ(minor("12.345 KWD"), "12345 KWD");
  EXPECT_EQ(minor("-20 CNY"), "-2000 CNY");
}

TEST(MoneyText, RefusesWhatItWouldHaveToGuess) {
  const auto error = [](const std::string& text) {
    int64_t units = 0;
    std::string currency;
    return ParseMoneyText(text, &units, &currency);
  };
  EXPECT_NE(error("500").find("not an amount and a currency"), std::string::npos);
  EXPECT_NE(error("500.001 CNY").find("more decimals than CNY's 2"), std::string::npos);
  EXPECT_NE(error("1.5 JPY").find("more decimals than JPY's 0"), std::string::npos);
  EXPECT_NE(error("5 XYZ").find("'XYZ' is not an ISO 4217 currency code"), std::string::npos);
  EXPECT_NE(error("five CNY").find("is not a number"), std::string::npos);
  EXPECT_NE(error("99999999999999999999 CNY").find("too large"), std::string::npos);
}

TEST(RequestBuilder, MoneyFlagsTakeTheWrittenAmountOrItsMinorUnits) {
  pv1::RecordTransactionRequest request;
  ASSERT_EQ(BuildRequest({{"transaction.amount", "120.50 CNY"}}, request), "");
  EXPECT_EQ(request.transaction().amount().units(), 12050);
  EXPECT_EQ(request.transaction().amount().currency(), "CNY");
  pv1::RecordTransactionRequest minor;
  ASSERT_EQ(
      BuildRequest({{"transaction.amount.units", "500"}, {"transaction.amount.currency", "CNY"}},
                   minor),
      "");
  EXPECT_EQ(minor.transaction().amount().units(), 500);  // minor units: 5.00 CNY
  EXPECT_EQ(BuildRequest({{"transaction.amount", "5.001 CNY"}}, request),
            "--transaction.amount: amount: '5.001 CNY' has more decimals than CNY's 2 (its minor "
            "unit)");
}

TEST(RequestBuilder, HelpListsNestedFieldsAndNamesMinorUnits) {
  const std::vector<std::string> fields =
      DescribeFields(*pv1::RecordTransactionRequest::descriptor());
  const auto has = [&](const std::string& line) {
    return std::find(fields.begin(), fields.end(), line) != fields.end();
  };
  EXPECT_TRUE(has("--transaction.client-id  string"));
  EXPECT_TRUE(
      has("--transaction.amount  money, e.g. '500.00 CNY' (or --transaction.amount.units "
          "in minor units, --transaction.amount.currency)"));
  EXPECT_TRUE(
      has("--transaction.occurred-at  RFC 3339 time, e.g. 2026-11-24T10:00:00Z, or a UTC day, "
          "2026-11-24"));
}

// Issue 17 part 2: `tierctl scoring score-client --as-of 2025-12-31` names a UTC day.
TEST(RequestBuilder, ATimestampFlagTakesAUtcDayAsItsMidnight) {
  sv1::ScoreClientRequest request;
  ASSERT_EQ(BuildRequest({{"client-id", "c-1"}, {"as-of", "2025-12-31"}}, request), "");
  EXPECT_EQ(request.as_of().seconds(), 1767139200);  // 2025-12-31T00:00:00Z
  EXPECT_EQ(request.as_of().nanos(), 0);

  sv1::FitClvModelRequest fit;
  ASSERT_EQ(BuildRequest({{"as-of", "2025-12-31T23:00:00Z"}}, fit), "");
  EXPECT_EQ(fit.as_of().seconds(), 1767139200 + 23 * 3600);

  sv1::BatchRescoreRequest batch;
  EXPECT_NE(BuildRequest({{"as-of", "2025-13-31"}}, batch), "");  // no 13th month
  EXPECT_NE(BuildRequest({{"as-of", "yesterday"}}, batch), "");
}

TEST(Output, CsvQuotesCellsAndWritesOneRowPerListItem) {
  pv1::ListClientsResponse response;
  pv1::Client& first = *response.add_clients();
  first.set_client_id("c-1");
  first.set_display_name("Wang, \"Li\"");
  pv1::Client& second = *response.add_clients();
  second.set_client_id("c-2");
  second.mutable_created_at()->set_seconds(1795514400);
  const std::string csv = ToCsv(response, true);
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
            "client_id,version,display_name,email,phone,erased,created_at,updated_at,erased_at,"
            "merged_into");
  EXPECT_NE(csv.find("\r\nc-1,0,\"Wang, \"\"Li\"\"\",,,false,,,,\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\r\nc-2,0,,,,false,2026-11-24T10:00:00Z,,,\r\n"), std::string::npos) << csv;
  // A streamed message without a list is one row; the header only when asked.
  sv1::Score score;
  score.set_client_id("c-3");
  const std::string row = ToCsv(score, false);
  EXPECT_EQ(row.rfind("c-3,", 0), 0u) << row;
  EXPECT_EQ(row.find("client_id"), std::string::npos);
}

TEST(Output, ProgressBarShowsTheShareDone) {
  EXPECT_EQ(ProgressBar(50, 100, 10), "[#####     ] 50%  50/100");
  EXPECT_EQ(ProgressBar(0, 0, 4), "[####] 100%  0/0");
}

// GetCohortReport: the cohorts as grids, months since across, besides the generic tables.
TEST(Output, ACohortReportIsAGridOfRetentionAndCumulativeRevenue) {
  sv1::CohortReport report;
  report.set_currency("CNY");
  sv1::CohortRow& january = *report.add_cohorts();
  january.set_acquisition_month("2024-01");
  january.set_clients(3);
  for (const auto& [retention, cumulative] :
       std::vector<std::pair<double, double>>{{200.0 / 3, 500.0}, {100.0 / 3, 866.6667}}) {
    sv1::CohortCell& cell = *january.add_cells();
    cell.set_retention_percent(retention);
    cell.set_cumulative_revenue_per_client_minor(cumulative);
  }
  sv1::CohortRow& february = *report.add_cohorts();
  february.set_acquisition_month("2024-02");
  february.set_clients(1);
  february.add_cells()->set_retention_percent(100.0);
  const std::string table = ToTable(report);
  EXPECT_NE(table.find("retention % by months since acquisition:\nmonth    clients  m0     m1\n"
                       "2024-01  3        66.7   33.3\n2024-02  1        100.0\n"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("cumulative revenue per client (CNY) by months since acquisition:\n"
                       "month    clients  m0    m1\n2024-01  3        5.00  8.67\n"),
            std::string::npos)
      << table;
  EXPECT_TRUE(CohortGrid(sv1::Score()).empty());
}

// A channel without acquisition cost has no LTV/CAC: "—" as the console shows it, not the
// report's 0; the columns after it stay in line (widths count code points, not bytes).
TEST(Output, LtvCacOfAChannelWithoutCostIsADash) {
  sv1::CohortReport report;
  report.set_currency("CNY");
  sv1::ChannelEconomics& referral = *report.add_channels();
  referral.set_channel("referral");
  referral.set_clients(2);
  referral.mutable_acquisition_cost()->set_currency("CNY");
  referral.set_ltv_to_cac(0.0);
  sv1::ChannelEconomics& search = *report.add_channels();
  search.set_channel("search");
  search.set_clients(3);
  search.mutable_acquisition_cost()->set_units(5000);
  search.mutable_acquisition_cost()->set_currency("CNY");
  search.set_ltv_to_cac(0.7612);
  const std::string table = ToTable(report);
  const auto line_of = [&](const std::string& start) {
    const size_t begin = table.find("\n" + start);
    EXPECT_NE(begin, std::string::npos) << table;
    return table.substr(begin + 1, table.find('\n', begin + 1) - begin - 1);
  };
  const std::string referral_line = line_of("referral");
  const std::string search_line = line_of("search");
  EXPECT_NE(referral_line.find("  \u2014  "), std::string::npos) << table;
  EXPECT_EQ(referral_line.find(" 0  "), std::string::npos) << table;  // not the report's 0
  EXPECT_NE(search_line.find("  0.76  "), std::string::npos) << table;
  // The last column (unconverted_cost_clients, 0 in both) starts at the same column.
  const auto columns_before_last = [](const std::string& line) {
    size_t columns = 0;
    for (size_t i = 0; i < line.rfind(' ') + 1; ++i) {
      columns += (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80 ? 0 : 1;
    }
    return columns;
  };
  EXPECT_EQ(columns_before_last(referral_line), columns_before_last(search_line)) << table;
  EXPECT_FALSE(ReportCellText(search, *search.GetDescriptor()->FindFieldByName("clients")));
}

}  // namespace
}  // namespace clienttier::tierctl
