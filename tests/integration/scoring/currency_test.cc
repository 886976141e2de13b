// Issue 17 part 5 on the real stack: the reporting currency, the exchange-rate table and what
// happens to spend in another currency, through client-profile's and scoring's RPCs.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/scoring/scoring_fixture.h"

namespace clienttier::scoring {
namespace {

class CurrencyIntegrationTest : public ScoringFixture {
 protected:
  void RecordIn(const std::string& key, const std::string& client_id, int64_t units,
                const std::string& currency, int days_ago) {
    pv1::RecordTransactionRequest request;
    auto* input = request.mutable_transaction();
    input->set_idempotency_key(key);
    input->set_client_id(client_id);
    input->set_kind(pv1::TRANSACTION_KIND_PURCHASE);
    input->mutable_amount()->set_units(units);
    input->mutable_amount()->set_currency(currency);
    input->mutable_occurred_at()->set_seconds(now_seconds_ - int64_t{86400} * days_ago);
    pv1::RecordTransactionResponse response;
    const grpc::Status status =
        profile_stub_->RecordTransaction(Context(writer_a_).get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // Midnight UTC `days_ago` days before today.
  google::protobuf::Timestamp DayStart(int days_ago) const {
    google::protobuf::Timestamp at;
    at.set_seconds((now_seconds_ / 86400 - days_ago) * 86400);
    return at;
  }

  grpc::Status PutRate(const std::string& api_key, const std::string& currency,
                       const google::protobuf::Timestamp& from, int64_t micros,
                       v1::ExchangeRate* stored) {
    v1::PutExchangeRateRequest request;
    request.mutable_rate()->set_currency(currency);
    *request.mutable_rate()->mutable_effective_from() = from;
    request.mutable_rate()->set_reporting_minor_per_minor_micros(micros);
    return stub_->PutExchangeRate(Context(api_key).get(), request, stored);
  }
};

TEST_F(CurrencyIntegrationTest, TheReportingCurrencyIsShownAndSetOnce) {
  v1::ScoringConfig config;
  ASSERT_TRUE(
      stub_->GetScoringConfig(Context(reader_a_).get(), v1::GetScoringConfigRequest(), &config)
          .ok());
  EXPECT_EQ(config.version(), 0);
  EXPECT_EQ(config.currency(), "CNY");  // the --default-currency flag, never empty

  v1::PutScoringConfigRequest put;
  *put.mutable_config() = config;
  put.mutable_config()->clear_currency();
  v1::ScoringConfig stored;
  ASSERT_TRUE(stub_->PutScoringConfig(Context(admin_a_).get(), put, &stored).ok());
  EXPECT_EQ(stored.currency(), "CNY");

  put.mutable_config()->set_currency("USD");
  put.set_expected_version(1);
  const grpc::Status status = stub_->PutScoringConfig(Context(admin_a_).get(), put, &stored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("config.currency: the reporting currency is set once"),
            std::string::npos)
      << status.error_message();
}

TEST_F(CurrencyIntegrationTest, BadRatesNameTheFieldAndOnlyAnAdminPutsOne) {
  v1::ExchangeRate stored;
  EXPECT_EQ(PutRate(writer_a_, "USD", DayStart(10), 7'100'000, &stored).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  const struct {
    std::string currency;
    google::protobuf::Timestamp from;
    int64_t micros;
    std::string field;
  } bad[] = {
      {"CNY", DayStart(10), 1'000'000, "rate.currency"},  // the reporting currency itself
      {"XXY", DayStart(10), 1'000'000, "rate.currency"},
      {"USD",
       [this] {
         auto at = DayStart(10);
         at.set_seconds(at.seconds() + 3600);
         return at;
       }(),
       7'100'000, "rate.effective_from"},
      {"USD", DayStart(20'000), 7'100'000, "rate.effective_from"},  // before 1990
      {"USD", DayStart(10), 0, "rate.reporting_minor_per_minor_micros"},
      {"USD", DayStart(10), 1'000'000'000'001, "rate.reporting_minor_per_minor_micros"},
  };
  for (const auto& rate : bad) {
    const grpc::Status status = PutRate(admin_a_, rate.currency, rate.from, rate.micros, &stored);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << rate.field;
    EXPECT_NE(status.error_message().find(rate.field), std::string::npos) << status.error_message();
  }
  v1::ListExchangeRatesResponse listed;
  ASSERT_TRUE(
      stub_->ListExchangeRates(Context(reader_a_).get(), v1::ListExchangeRatesRequest(), &listed)
          .ok());
  EXPECT_EQ(listed.rates_size(), 0);  // nothing was stored
}

TEST_F(CurrencyIntegrationTest, ForeignSpendIsNamedUntilARateCoversItThenConverted) {
  CreateClient("c1", writer_a_);
  RecordIn("usd-1", "c1", 1234, "USD", 30);
  RecordIn("cny-1", "c1", 5000, "CNY", 10);
  WaitForScore("c1", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 2; });

  v1::ExplainScoreRequest explain;
  explain.set_client_id("c1");
  v1::ScoreExplanation explanation;
  ASSERT_TRUE(stub_->ExplainScore(Context(reader_a_).get(), explain, &explanation).ok());
  EXPECT_EQ(explanation.score().lifetime_spend().units(), 5000);
  std::string unconverted;
  for (const auto& input : explanation.inputs()) {
    if (input.name() == "unconverted_occasions") {
      unconverted = input.value();
    }
  }
  EXPECT_NE(unconverted.find("1 in USD"), std::string::npos) << explanation.DebugString();

  v1::ClvModel model;
  ASSERT_TRUE(stub_->FitClvModel(Context(writer_a_).get(), v1::FitClvModelRequest(), &model).ok());
  EXPECT_NE(model.gamma_gamma().message().find(
                "1 client left out of Gamma-Gamma: their spend of transactions (1 in USD) has no "
                "exchange rate into CNY"),
            std::string::npos)
      << model.gamma_gamma().message();

  // A rate starting after the purchase does not cover it; one from before does.
  v1::ExchangeRate stored;
  ASSERT_TRUE(PutRate(admin_a_, "USD", DayStart(20), 7'200'000, &stored).ok());
  EXPECT_EQ(stored.reporting_currency(), "CNY");
  v1::ScoreClientRequest score_request;
  score_request.set_client_id("c1");
  v1::Score score;
  ASSERT_TRUE(stub_->ScoreClient(Context(writer_a_).get(), score_request, &score).ok());
  EXPECT_EQ(score.lifetime_spend().units(), 5000);

  ASSERT_TRUE(PutRate(admin_a_, "USD", DayStart(400), 7'100'500, &stored).ok());
  ASSERT_TRUE(stub_->ScoreClient(Context(writer_a_).get(), score_request, &score).ok());
  // 1234 cents x 7.1005 = 8762.017 fen -> 8762.
  EXPECT_EQ(score.lifetime_spend().units(), 5000 + 8762);
  EXPECT_EQ(score.lifetime_spend().currency(), "CNY");

  v1::ListExchangeRatesRequest list;
  list.set_currency("USD");
  v1::ListExchangeRatesResponse listed;
  ASSERT_TRUE(stub_->ListExchangeRates(Context(reader_a_).get(), list, &listed).ok());
  ASSERT_EQ(listed.rates_size(), 2);
  EXPECT_EQ(listed.rates(0).effective_from().seconds(), DayStart(400).seconds());
  EXPECT_EQ(listed.rates(1).reporting_minor_per_minor_micros(), 7'200'000);
  EXPECT_FALSE(listed.rates(0).author().empty());

  // Another tenant sees none of them.
  ASSERT_TRUE(stub_->ListExchangeRates(Context(writer_b_).get(), list, &listed).ok());
  EXPECT_EQ(listed.rates_size(), 0);
}

}  // namespace
}  // namespace clienttier::scoring
