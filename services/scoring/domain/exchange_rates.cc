#include "services/scoring/domain/exchange_rates.h"

#include <algorithm>
#include <tuple>
#include <utility>

namespace clienttier::scoring {

namespace {

// GCC and Clang's 128-bit integer; __extension__ keeps -Wpedantic quiet about it.
__extension__ using Int128 = __int128;

}  // namespace

int64_t ConvertMinorUnits(int64_t amount_minor, int64_t rate_micros) {
  const Int128 product = static_cast<Int128>(amount_minor) * rate_micros;
  const Int128 magnitude = product < 0 ? -product : product;
  const Int128 rounded = (magnitude + kRateScale / 2) / kRateScale;
  return static_cast<int64_t>(product < 0 ? -rounded : rounded);
}

SpendConversion::SpendConversion(std::string reporting_currency, std::vector<ExchangeRate> rates)
    : reporting_currency_(std::move(reporting_currency)), rates_(std::move(rates)) {
  std::sort(rates_.begin(), rates_.end(), [](const ExchangeRate& a, const ExchangeRate& b) {
    return std::tie(a.currency, a.effective_from) < std::tie(b.currency, b.effective_from);
  });
}

std::optional<int64_t> SpendConversion::ToReporting(int64_t amount_minor,
                                                    const std::string& currency, Day day) const {
  if (reporting_currency_.empty() || currency == reporting_currency_) {
    return amount_minor;
  }
  // The last row of `currency` that starts on or before `day`.
  auto after = std::upper_bound(rates_.begin(), rates_.end(), std::make_pair(currency, day),
                                [](const std::pair<std::string, Day>& key, const ExchangeRate& r) {
                                  return std::tie(key.first, key.second) <
                                         std::tie(r.currency, r.effective_from);
                                });
  if (after == rates_.begin()) {
    return std::nullopt;
  }
  const ExchangeRate& in_effect = *std::prev(after);
  if (in_effect.currency != currency) {
    return std::nullopt;
  }
  return ConvertMinorUnits(amount_minor, in_effect.reporting_minor_per_minor_micros);
}

bool UnconvertedSpendTally::Add(const ClientFacts& facts) {
  if (facts.unconverted_occasions.empty()) {
    return false;
  }
  ++clients_;
  for (const auto& [currency, occasions] : facts.unconverted_occasions) {
    occasions_[currency] += occasions;
  }
  return true;
}

std::string UnconvertedSpendTally::Describe(const std::string& reporting_currency) const {
  std::string transactions;
  for (const auto& [currency, occasions] : occasions_) {
    transactions +=
        (transactions.empty() ? "" : ", ") + std::to_string(occasions) + " in " + currency;
  }
  return std::to_string(clients_) + (clients_ == 1 ? " client" : " clients") +
         " left out of Gamma-Gamma: their spend of transactions (" + transactions +
         ") has no exchange rate into " + reporting_currency + " on its day (see PutExchangeRate)";
}

}  // namespace clienttier::scoring
