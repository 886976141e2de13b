#pragma once

#include "services/scoring/storage/exchange_rate_repository.h"

namespace clienttier::scoring {

// ExchangeRateRepository over exchange_rates.
class MySqlExchangeRateRepository final : public ExchangeRateRepository {
 public:
  ::clienttier::scoring::v1::ExchangeRate Put(Transaction& transaction,
                                              const std::string& tenant_id,
                                              ::clienttier::scoring::v1::ExchangeRate rate,
                                              const std::string& author, UnixMicros now) override;
  std::vector<::clienttier::scoring::v1::ExchangeRate> List(Transaction& transaction,
                                                            const std::string& tenant_id,
                                                            const std::string& reporting_currency,
                                                            const std::string& currency) override;
};

}  // namespace clienttier::scoring
