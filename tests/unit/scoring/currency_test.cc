// The reporting currency and the exchange-rate table through the use cases, over the fakes.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/scoring/fake_scoring_world.h"

namespace clienttier::scoring {
namespace {

using testing::FakeScoringWorld;

constexpr char kTenant[] = "t1";

v1::ExchangeRate Rate(const std::string& currency, Day from, int64_t micros) {
  v1::ExchangeRate rate;
  rate.set_currency(currency);
  *rate.mutable_effective_from() = ToProtoTimestamp(from * kMicrosPerDay);
  rate.set_reporting_minor_per_minor_micros(micros);
  return rate;
}

class CurrencyTest : public ::testing::Test {
 protected:
  // Buyers enough for a fit, each with 4 purchase days of 1000 minor units in `currency`.
  void AddBuyers(int count, const std::string& currency, const std::string& prefix) {
    for (int i = 0; i < count; ++i) {
      world_.aggregates.AddBuyer(kTenant, prefix + std::to_string(i), 2 + i % 4, 1000 + 37 * i,
                                 FakeScoringWorld::kToday - 3 - i % 50, 15 + i % 20, currency);
    }
  }

  FakeScoringWorld world_;
};

TEST_F(CurrencyTest, ANewTenantSeesTheDefaultCurrencyAndTheFirstConfigStoresIt) {
  EXPECT_EQ(world_.admin.GetScoringConfig(kTenant).currency(), "CNY");
  v1::ScoringConfig config = world_.admin.GetScoringConfig(kTenant);
  config.clear_currency();
  const v1::ScoringConfig stored = world_.admin.PutScoringConfig(kTenant, config, 0, "key-1");
  EXPECT_EQ(stored.currency(), "CNY");
  EXPECT_EQ(world_.versions.configs[kTenant].back().currency(), "CNY");
}

TEST_F(CurrencyTest, TheReportingCurrencyIsSetOnce) {
  v1::ScoringConfig config = world_.admin.GetScoringConfig(kTenant);
  config.set_currency("USD");  // nothing stored yet: the first stored config may choose
  EXPECT_EQ(world_.admin.PutScoringConfig(kTenant, config, 0, "key-1").currency(), "USD");
  config.set_currency("EUR");
  try {
    world_.admin.PutScoringConfig(kTenant, config, 1, "key-1");
    FAIL() << "expected FailedPrecondition";
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kFailedPrecondition);
    EXPECT_NE(std::string(error.what()).find("set once; it is USD, not EUR"), std::string::npos)
        << error.what();
  }
  config.set_currency("USD");
  EXPECT_EQ(world_.admin.PutScoringConfig(kTenant, config, 1, "key-1").version(), 2);
}

TEST_F(CurrencyTest, ARateIntoTheReportingCurrencyItselfIsRefused) {
  EXPECT_THROW(world_.admin.PutExchangeRate(kTenant, Rate("CNY", 20'000, 1'000'000), "key-1"),
               DomainError);
  const v1::ExchangeRate stored =
      world_.admin.PutExchangeRate(kTenant, Rate("USD", 19'000, 7'100'000), "key-1");
  EXPECT_EQ(stored.reporting_currency(), "CNY");
  EXPECT_EQ(stored.author(), "key-1");
  // The same currency and day again replaces the row.
  world_.admin.PutExchangeRate(kTenant, Rate("USD", 19'000, 7'200'000), "key-1");
  world_.admin.PutExchangeRate(kTenant, Rate("EUR", 19'000, 7'800'000), "key-1");
  const auto usd = world_.admin.ListExchangeRates(kTenant, "USD");
  ASSERT_EQ(usd.size(), 1u);
  EXPECT_EQ(usd[0].reporting_minor_per_minor_micros(), 7'200'000);
  EXPECT_EQ(world_.admin.ListExchangeRates(kTenant, "").size(), 2u);
  EXPECT_TRUE(world_.admin.ListExchangeRates("other-tenant", "").empty());
}

TEST_F(CurrencyTest, SpendInAnotherCurrencyCountsOnceARateCoversItsDay) {
  world_.aggregates.AddBuyer(kTenant, "c1", 2, 1000, FakeScoringWorld::kToday - 10, 20, "USD");

  v1::ScoreExplanation before = world_.rescoring.ExplainScore(kTenant, "c1");
  EXPECT_EQ(before.score().lifetime_purchases(), 2);
  EXPECT_EQ(before.score().lifetime_spend().units(), 0);
  EXPECT_EQ(before.score().lifetime_spend().currency(), "CNY");
  bool named = false;
  for (const auto& input : before.inputs()) {
    if (input.name() == "unconverted_occasions") {
      named = input.value().find("2 in USD") != std::string::npos;
    }
  }
  EXPECT_TRUE(named) << before.DebugString();

  // A rate from a day after the first purchase covers only the second one.
  world_.admin.PutExchangeRate(kTenant, Rate("USD", FakeScoringWorld::kToday - 20, 7'100'000),
                               "key-1");
  EXPECT_EQ(world_.rescoring.ScoreClient(kTenant, "c1").lifetime_spend().units(), 7100);
  world_.admin.PutExchangeRate(kTenant, Rate("USD", FakeScoringWorld::kToday - 100, 7'000'000),
                               "key-1");
  EXPECT_EQ(world_.rescoring.ScoreClient(kTenant, "c1").lifetime_spend().units(), 7000 + 7100);
}

TEST_F(CurrencyTest, FitClvModelSaysWhichCurrencyWasLeftOutOfSpend) {
  AddBuyers(40, "CNY", "cny-");
  AddBuyers(5, "USD", "usd-");
  const v1::ClvModel model = world_.jobs.FitClvModel(kTenant);
  EXPECT_EQ(model.bg_nbd().clients(), 45);  // timing needs no currency
  EXPECT_NE(model.gamma_gamma().message().find("5 clients left out of Gamma-Gamma"),
            std::string::npos)
      << model.gamma_gamma().message();
  EXPECT_NE(model.gamma_gamma().message().find("in USD) has no exchange rate into CNY"),
            std::string::npos)
      << model.gamma_gamma().message();

  world_.admin.PutExchangeRate(kTenant, Rate("USD", 10'000, 7'100'000), "key-1");
  const v1::ClvModel refit = world_.jobs.FitClvModel(kTenant);
  EXPECT_EQ(refit.gamma_gamma().message().find("left out"), std::string::npos)
      << refit.gamma_gamma().message();
  EXPECT_GT(refit.gamma_gamma().clients(), model.gamma_gamma().clients());
}

}  // namespace
}  // namespace clienttier::scoring
