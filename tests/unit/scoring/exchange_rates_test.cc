#include "services/scoring/domain/exchange_rates.h"

#include <gtest/gtest.h>

#include "services/scoring/domain/calendar_days.h"
#include "services/scoring/domain/facts_builder.h"

namespace clienttier::scoring {
namespace {

const Day kJan1 = DayFromCivil({2026, 1, 1});
const Day kMar1 = DayFromCivil({2026, 3, 1});

SpendConversion CnyWithUsdRates() {
  // USD -> CNY: 7.10 until March, 7.25 from March 1 (one cent is 7.1, then 7.25 fen).
  return SpendConversion("CNY", {{"USD", kMar1, 7'250'000}, {"USD", kJan1, 7'100'000}});
}

TEST(ExchangeRatesTest, ConvertsWithIntegerMathRoundingHalfAwayFromZero) {
  EXPECT_EQ(ConvertMinorUnits(1000, 7'100'000), 7100);
  EXPECT_EQ(ConvertMinorUnits(1, 1'500'000), 2);    // 1.5 -> 2
  EXPECT_EQ(ConvertMinorUnits(-1, 1'500'000), -2);  // a refund converts to minus its purchase
  EXPECT_EQ(ConvertMinorUnits(1, 1'499'999), 1);
  EXPECT_EQ(ConvertMinorUnits(3, 333'333), 1);  // 0.999999 -> 1
  // The largest transaction at the largest rate does not overflow (128-bit product).
  EXPECT_EQ(ConvertMinorUnits(1'000'000'000'000, 1'000'000), 1'000'000'000'000);
  EXPECT_EQ(ConvertMinorUnits(9'000'000'000, kMaxRateMicros), 9'000'000'000'000'000);
}

TEST(ExchangeRatesTest, UsesTheRowInEffectOnTheDay) {
  const SpendConversion conversion = CnyWithUsdRates();
  EXPECT_EQ(conversion.ToReporting(1000, "USD", kJan1), 7100);
  EXPECT_EQ(conversion.ToReporting(1000, "USD", kMar1 - 1), 7100);
  EXPECT_EQ(conversion.ToReporting(1000, "USD", kMar1), 7250);
  EXPECT_EQ(conversion.ToReporting(1000, "USD", kMar1 + 400), 7250);
}

TEST(ExchangeRatesTest, NoRateBeforeTheFirstRowOrForAnotherCurrency) {
  const SpendConversion conversion = CnyWithUsdRates();
  EXPECT_EQ(conversion.ToReporting(1000, "USD", kJan1 - 1), std::nullopt);
  EXPECT_EQ(conversion.ToReporting(1000, "EUR", kMar1), std::nullopt);
  EXPECT_EQ(conversion.ToReporting(1000, "AAA", kMar1), std::nullopt);  // sorts before USD
  EXPECT_EQ(conversion.ToReporting(1000, "ZZZ", kMar1), std::nullopt);  // sorts after USD
  EXPECT_EQ(conversion.ToReporting(1000, "CNY", kJan1 - 1), 1000);      // reporting: as it is
}

TEST(ExchangeRatesTest, FactsCountConvertedSpendAndNameTheUnconvertedCurrency) {
  const std::vector<PaidDay> days = {
      PaidDay{kJan1 - 5, "USD", 1, 0, 500},    // before any USD rate: occasion, no spend
      PaidDay{kJan1 + 10, "USD", 1, 0, 1000},  // 7100 fen
      PaidDay{kMar1 + 1, "CNY", 1, 0, 300},
      PaidDay{kMar1 + 2, "EUR", 2, 0, 800},  // no EUR rate at all
  };
  const ClientFacts facts =
      BuildClientFacts("c1", days, ActivityCounters{}, CnyWithUsdRates(), kMar1 + 10);
  EXPECT_EQ(facts.purchase_count, 5);
  EXPECT_EQ(facts.purchase_days, 4);
  EXPECT_EQ(facts.spend_minor, 7100 + 300);
  EXPECT_EQ(facts.first_day_spend_minor, 0);  // the first day's spend has no rate
  const std::vector<std::pair<std::string, int64_t>> expected = {{"EUR", 2}, {"USD", 1}};
  EXPECT_EQ(facts.unconverted_occasions, expected);

  UnconvertedSpendTally tally;
  EXPECT_TRUE(tally.Add(facts));
  EXPECT_FALSE(tally.Add(
      BuildClientFacts("c2", {PaidDay{kMar1, "CNY", 1, 0, 1}}, {}, CnyWithUsdRates(), kMar1 + 10)));
  EXPECT_EQ(tally.clients(), 1);
  EXPECT_EQ(tally.Describe("CNY"),
            "1 client left out of Gamma-Gamma: their spend of transactions (2 in EUR, 1 in USD) "
            "has no exchange rate into CNY on its day (see PutExchangeRate)");
}

TEST(ExchangeRatesTest, AnEmptyReportingCurrencyCountsEveryAmountAsItIs) {
  const ClientFacts facts =
      BuildClientFacts("c1", {PaidDay{kJan1, "USD", 1, 0, 500}}, {}, SpendConversion(""), kJan1);
  EXPECT_EQ(facts.spend_minor, 500);
  EXPECT_TRUE(facts.unconverted_occasions.empty());
}

}  // namespace
}  // namespace clienttier::scoring
