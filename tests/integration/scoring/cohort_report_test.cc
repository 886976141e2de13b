// GetCohortReport (issue 17 part 7) on the real stack: a small history recorded through
// client-profile (acquisition days, channels and costs, a login before the first purchase, a
// refund in full) and the report's cells, costs and revenue checked against hand-computed
// figures; the filter, the CLV against the stored scores, and the request rules.
#include <gtest/gtest.h>

#include <string>

#include "services/scoring/domain/calendar_days.h"
#include "tests/integration/scoring/scoring_fixture.h"

namespace clienttier::scoring {
namespace {

int64_t SecondsOf(int year, int month, int day) {
  return DayFromCivil({year, month, day}) * 86400 + 10 * 3600;
}

class CohortReportIntegrationTest : public ScoringFixture {
 protected:
  // acquired_at unset when `acquired_at_seconds` is 0.
  void CreateAcquired(const std::string& client_id, const std::string& channel, int64_t cost_fen,
                      int64_t acquired_at_seconds) {
    pv1::CreateClientRequest request;
    pv1::Client& client = *request.mutable_client();
    client.set_client_id(client_id);
    client.mutable_acquisition()->set_channel(channel);
    client.mutable_acquisition()->mutable_cost()->set_units(cost_fen);
    client.mutable_acquisition()->mutable_cost()->set_currency("CNY");
    if (acquired_at_seconds != 0) {
      client.mutable_acquisition()->mutable_acquired_at()->set_seconds(acquired_at_seconds);
    }
    pv1::Client created;
    const grpc::Status status =
        profile_stub_->CreateClient(Context(writer_a_).get(), request, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  void Purchase(const std::string& key, const std::string& client_id, int64_t fen,
                int64_t at_seconds) {
    pv1::RecordTransactionRequest request;
    auto* input = request.mutable_transaction();
    input->set_idempotency_key(key);
    input->set_client_id(client_id);
    input->set_kind(pv1::TRANSACTION_KIND_PURCHASE);
    input->mutable_amount()->set_units(fen);
    input->mutable_amount()->set_currency("CNY");
    input->mutable_occurred_at()->set_seconds(at_seconds);
    pv1::RecordTransactionResponse response;
    const grpc::Status status =
        profile_stub_->RecordTransaction(Context(writer_a_).get(), request, &response);
    ASSERT_TRUE(status.ok()) << key << ": " << status.error_message();
  }

  void Refund(const std::string& key, const std::string& of, const std::string& client_id,
              int64_t fen, int64_t at_seconds) {
    pv1::RecordTransactionRequest request;
    auto* input = request.mutable_transaction();
    input->set_idempotency_key(key);
    input->set_client_id(client_id);
    input->set_kind(pv1::TRANSACTION_KIND_REFUND);
    input->set_refunded_idempotency_key(of);
    input->mutable_amount()->set_units(fen);
    input->mutable_amount()->set_currency("CNY");
    input->mutable_occurred_at()->set_seconds(at_seconds);
    pv1::RecordTransactionResponse response;
    const grpc::Status status =
        profile_stub_->RecordTransaction(Context(writer_a_).get(), request, &response);
    ASSERT_TRUE(status.ok()) << key << ": " << status.error_message();
  }

  void Login(const std::string& key, const std::string& client_id, int64_t at_seconds) {
    pv1::RecordInteractionRequest request;
    auto* input = request.mutable_interaction();
    input->set_idempotency_key(key);
    input->set_client_id(client_id);
    input->set_kind(pv1::INTERACTION_KIND_LOGIN);
    input->mutable_occurred_at()->set_seconds(at_seconds);
    pv1::RecordInteractionResponse response;
    const grpc::Status status =
        profile_stub_->RecordInteraction(Context(writer_a_).get(), request, &response);
    ASSERT_TRUE(status.ok()) << key << ": " << status.error_message();
  }

  // The history, 2024-01 to 2024-04 (the report is asked as of 2024-03-31):
  //   a1 search, 1000 fen, acquired 01-10: buys 500 (01-10), 300 (02-05), 200 (03-02)
  //   a2 search, 3000 fen, acquired 01-20: buys 1000 (01-25), 600 (03-15) refunded in full
  //   b1 referral, free, no acquired_at: logs in 01-28, buys 800 (02-20), 999 (04-02)
  //   c1 search, 500 fen, acquired 02-14: buys 400 (03-03)
  //   p1 search, 2000 fen, no acquired_at, nothing else
  void LoadHistory() {
    CreateAcquired("a1", "search", 1000, SecondsOf(2024, 1, 10));
    CreateAcquired("a2", "search", 3000, SecondsOf(2024, 1, 20));
    CreateAcquired("b1", "referral", 0, 0);
    CreateAcquired("c1", "search", 500, SecondsOf(2024, 2, 14));
    CreateAcquired("p1", "search", 2000, 0);
    Purchase("a1-1", "a1", 500, SecondsOf(2024, 1, 10));
    Purchase("a1-2", "a1", 300, SecondsOf(2024, 2, 5));
    Purchase("a1-3", "a1", 200, SecondsOf(2024, 3, 2));
    Purchase("a2-1", "a2", 1000, SecondsOf(2024, 1, 25));
    Purchase("a2-2", "a2", 600, SecondsOf(2024, 3, 15));
    Refund("a2-r", "a2-2", "a2", 600, SecondsOf(2024, 3, 20));
    Login("b1-l", "b1", SecondsOf(2024, 1, 28));
    Purchase("b1-1", "b1", 800, SecondsOf(2024, 2, 20));
    Purchase("b1-2", "b1", 999, SecondsOf(2024, 4, 2));
    Purchase("c1-1", "c1", 400, SecondsOf(2024, 3, 3));
    const auto spent = [](int64_t purchases, int64_t fen) {
      return [purchases, fen](const v1::Score& score) {
        return score.lifetime_purchases() == purchases && score.lifetime_spend().units() == fen;
      };
    };
    // One consumer applies the events in the order recorded: once c1's purchase (the last
    // record) shows, a2's refund has been applied too (its score looks the same before).
    WaitForScore("a1", reader_a_, spent(3, 1000));
    WaitForScore("a2", reader_a_, spent(1, 1000));
    WaitForScore("b1", reader_a_, spent(2, 1799));
    WaitForScore("c1", reader_a_, spent(1, 400));
  }

  grpc::Status Report(const std::string& channel, int64_t as_of_seconds, v1::CohortReport* out,
                      const std::string& api_key = "") {
    v1::GetCohortReportRequest request;
    request.set_acquisition_channel(channel);
    if (as_of_seconds != 0) {
      request.mutable_as_of()->set_seconds(as_of_seconds);
    }
    return stub_->GetCohortReport(Context(api_key.empty() ? reader_a_ : api_key).get(), request,
                                  out);
  }
};

void ExpectCell(const v1::CohortCell& cell, int64_t active, double retention_percent,
                int64_t revenue, double cumulative_per_client) {
  EXPECT_EQ(cell.active_clients(), active) << cell.ShortDebugString();
  EXPECT_NEAR(cell.retention_percent(), retention_percent, 1e-9) << cell.ShortDebugString();
  EXPECT_EQ(cell.revenue().units(), revenue) << cell.ShortDebugString();
  EXPECT_EQ(cell.revenue().currency(), "CNY");
  EXPECT_NEAR(cell.cumulative_revenue_per_client_minor(), cumulative_per_client, 1e-9)
      << cell.ShortDebugString();
}

TEST_F(CohortReportIntegrationTest, CohortsAndLtvToCacAsComputedByHand) {
  LoadHistory();
  v1::CohortReport report;
  const grpc::Status status = Report("", SecondsOf(2024, 3, 31), &report);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(report.currency(), "CNY");
  EXPECT_EQ(report.clients(), 4);
  EXPECT_EQ(report.clients_without_acquisition_day(), 1);  // p1
  ASSERT_EQ(report.cohorts_size(), 2) << report.ShortDebugString();

  // January: a1, a2 and b1 (its first activity, the login, was in January).
  const v1::CohortRow& january = report.cohorts(0);
  EXPECT_EQ(january.acquisition_month(), "2024-01");
  EXPECT_EQ(january.clients(), 3);
  ASSERT_EQ(january.cells_size(), 3);
  ExpectCell(january.cells(0), 2, 200.0 / 3, 1500, 1500.0 / 3);
  ExpectCell(january.cells(1), 2, 200.0 / 3, 1100, 2600.0 / 3);
  // a2's March purchase was refunded in full: not a paid occasion, no revenue.
  ExpectCell(january.cells(2), 1, 100.0 / 3, 200, 2800.0 / 3);
  // February: c1, acquired 02-14, first bought in March.
  const v1::CohortRow& february = report.cohorts(1);
  EXPECT_EQ(february.acquisition_month(), "2024-02");
  EXPECT_EQ(february.clients(), 1);
  ASSERT_EQ(february.cells_size(), 2);
  ExpectCell(february.cells(0), 0, 0.0, 0, 0.0);
  ExpectCell(february.cells(1), 1, 100.0, 400, 400.0);

  ASSERT_EQ(report.channels_size(), 2);
  const v1::ChannelEconomics& referral = report.channels(0);
  EXPECT_EQ(referral.channel(), "referral");
  EXPECT_EQ(referral.clients(), 1);
  EXPECT_EQ(referral.acquisition_cost().units(), 0);
  EXPECT_EQ(referral.revenue_to_date().units(), 800);  // b1's April purchase is after as_of
  EXPECT_EQ(referral.ltv_to_cac(), 0.0);
  const v1::ChannelEconomics& search = report.channels(1);
  EXPECT_EQ(search.channel(), "search");
  EXPECT_EQ(search.clients(), 4);
  EXPECT_EQ(search.acquisition_cost().units(), 1000 + 3000 + 500 + 2000);
  EXPECT_EQ(search.acquisition_cost().currency(), "CNY");
  EXPECT_EQ(search.revenue_to_date().units(), 1000 + 1000 + 400);
  EXPECT_NEAR(search.ltv_to_cac(),
              static_cast<double>(2400 + search.clv().units()) / static_cast<double>(6500), 1e-12);
}

TEST_F(CohortReportIntegrationTest, OneChannelAndTodaysClvAsTheScoresHaveIt) {
  LoadHistory();
  v1::CohortReport referral;
  ASSERT_TRUE(Report("referral", SecondsOf(2024, 3, 31), &referral).ok());
  ASSERT_EQ(referral.cohorts_size(), 1);
  EXPECT_EQ(referral.cohorts(0).clients(), 1);
  ASSERT_EQ(referral.cohorts(0).cells_size(), 3);
  ExpectCell(referral.cohorts(0).cells(0), 0, 0.0, 0, 0.0);
  ExpectCell(referral.cohorts(0).cells(1), 1, 100.0, 800, 800.0);
  ExpectCell(referral.cohorts(0).cells(2), 0, 0.0, 0, 800.0);
  ASSERT_EQ(referral.channels_size(), 1);
  EXPECT_EQ(referral.channels(0).channel(), "referral");

  // As of today: the cohorts run to this month, and each channel's CLV is its clients' CLV as
  // their stored scores have it (same model, same facts, same day).
  v1::CohortReport today;
  ASSERT_TRUE(Report("search", 0, &today).ok());
  EXPECT_GT(today.cohorts(0).cells_size(), 3);
  int64_t clv = 0;
  for (const char* id : {"a1", "a2", "c1"}) {
    v1::GetScoreRequest request;
    request.set_client_id(id);
    v1::Score score;
    ASSERT_TRUE(stub_->GetScore(Context(reader_a_).get(), request, &score).ok());
    clv += score.clv().clv().units();
  }
  ASSERT_EQ(today.channels_size(), 1);
  EXPECT_EQ(today.channels(0).clv().units(), clv);
}

TEST_F(CohortReportIntegrationTest, RequestRules) {
  v1::CohortReport report;
  grpc::Status status = Report("Not A Label", 0, &report);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("acquisition_channel"), std::string::npos);
  status = Report("", now_seconds_ + 3 * 86400, &report);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("as_of"), std::string::npos);
  // Another tenant sees none of tenant A's clients.
  CreateAcquired("x1", "search", 100, SecondsOf(2024, 1, 10));
  status = Report("", 0, &report, writer_b_);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(report.clients(), 0);
  EXPECT_TRUE(report.channels().empty());
}

}  // namespace
}  // namespace clienttier::scoring
