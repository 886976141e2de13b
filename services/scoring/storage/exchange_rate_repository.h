#pragma once

#include <string>
#include <vector>

#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"

namespace clienttier::scoring {

// The tenant's exchange-rate table (migration 006), rows as the ExchangeRate proto with every
// field filled (effective_from at midnight UTC).
class ExchangeRateRepository {
 public:
  virtual ~ExchangeRateRepository() = default;

  // Inserts the row, or replaces the one of the same reporting currency, currency and day;
  // returns it as stored (author and updated_at filled in).
  virtual ::clienttier::scoring::v1::ExchangeRate Put(Transaction& transaction,
                                                      const std::string& tenant_id,
                                                      ::clienttier::scoring::v1::ExchangeRate rate,
                                                      const std::string& author,
                                                      UnixMicros now) = 0;

  // The rows into `reporting_currency`, of `currency` only when it is not empty, ordered by
  // currency and effective_from.
  virtual std::vector<::clienttier::scoring::v1::ExchangeRate> List(
      Transaction& transaction, const std::string& tenant_id, const std::string& reporting_currency,
      const std::string& currency) = 0;
};

}  // namespace clienttier::scoring
