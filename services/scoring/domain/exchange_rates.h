#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "services/scoring/domain/client_facts.h"

namespace clienttier::scoring {

// Rates are integers scaled by 10^6 (micro-units), never floats: money stays exact.
inline constexpr int64_t kRateScale = 1'000'000;
// A rate of at most 10^12 micro-units (a million reporting minor units per source minor unit)
// keeps amount x rate within 128 bits and covers every real pair of currencies.
inline constexpr int64_t kMaxRateMicros = 1'000'000'000'000;

// One row of a tenant's rate table: from `effective_from` (a UTC day, inclusive) until the
// next row of the same currency, one minor unit of `currency` is worth
// `reporting_minor_per_minor_micros` / 10^6 minor units of the reporting currency. Stating
// the rate per minor unit keeps currencies with different minor units (JPY 0, CNY 2, KWD 3)
// free of an exponent table.
struct ExchangeRate {
  std::string currency;
  Day effective_from = 0;
  int64_t reporting_minor_per_minor_micros = 0;
};

// Converts an amount in minor units: amount x rate / 10^6, rounded half away from zero (so a
// refund converts to exactly minus its purchase). Exact in 128-bit arithmetic.
int64_t ConvertMinorUnits(int64_t amount_minor, int64_t rate_micros);

// How a tenant's spend is counted in its reporting currency: amounts in that currency as they
// are, others through the rate in effect on their day. Implicitly made from a currency code
// alone (no rates: other currencies are not converted); an empty code counts every amount as
// it is (single-currency tests and tools).
class SpendConversion {
 public:
  SpendConversion() = default;
  SpendConversion(std::string reporting_currency,  // NOLINT(google-explicit-constructor)
                  std::vector<ExchangeRate> rates = {});
  SpendConversion(const char* reporting_currency)  // NOLINT(google-explicit-constructor)
      : SpendConversion(std::string(reporting_currency)) {}

  const std::string& reporting_currency() const { return reporting_currency_; }
  const std::vector<ExchangeRate>& rates() const { return rates_; }

  // `amount_minor` of `currency` spent on `day` in reporting minor units; nullopt when no rate
  // of that currency is in effect on that day (the first row starts later, or none exists).
  std::optional<int64_t> ToReporting(int64_t amount_minor, const std::string& currency,
                                     Day day) const;

 private:
  std::string reporting_currency_;
  std::vector<ExchangeRate> rates_;  // by (currency, effective_from)
};

// What a tenant-wide read left out of spend for want of a rate: for FitClvModel's statuses,
// which must say what was skipped and why, naming the currency.
class UnconvertedSpendTally {
 public:
  // Counts the client when some of its spend could not be converted; true then.
  bool Add(const ClientFacts& facts);
  bool empty() const { return clients_ == 0; }
  int64_t clients() const { return clients_; }
  // For example "2 clients left out of Gamma-Gamma: their spend of 5 transactions in USD has
  // no exchange rate into CNY on its day (see PutExchangeRate)".
  std::string Describe(const std::string& reporting_currency) const;

 private:
  int64_t clients_ = 0;
  std::map<std::string, int64_t> occasions_;  // by currency
};

}  // namespace clienttier::scoring
