#pragma once

#include <string>
#include <utility>
#include <vector>

#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/scoring/app/rescorer.h"
#include "services/scoring/storage/exchange_rate_repository.h"
#include "services/scoring/storage/score_cache.h"
#include "services/scoring/storage/score_repository.h"
#include "services/scoring/storage/version_repository.h"

namespace clienttier::scoring {

// The tenant's scoring settings: Get/PutScoringConfig, SetTierOverride and the exchange-rate
// table.
class ConfigAdmin {
 public:
  // `default_currency`: the reporting currency of a tenant whose stored config names none.
  ConfigAdmin(TransactionRunner& transactions, VersionRepository& versions, ScoreRepository& scores,
              ExchangeRateRepository& rates, const Rescorer& rescorer, ScoreCache& cache,
              const Clock& clock, std::string default_currency)
      : transactions_(transactions),
        versions_(versions),
        scores_(scores),
        rates_(rates),
        rescorer_(rescorer),
        cache_(cache),
        clock_(clock),
        default_currency_(std::move(default_currency)) {}

  // The active config (the defaults, version 0, when none is stored), its currency never
  // empty (the default currency until one is stored).
  ::clienttier::scoring::v1::ScoringConfig GetScoringConfig(const std::string& tenant_id);

  // Stores a validated config as the next version; FAILED_PRECONDITION when the active version
  // is not `expected_version`, or when it names a currency other than the one a stored config
  // already set (the reporting currency is set once). An empty currency stores the one in
  // force.
  ::clienttier::scoring::v1::ScoringConfig PutScoringConfig(
      const std::string& tenant_id, const ::clienttier::scoring::v1::ScoringConfig& config,
      int64_t expected_version, const std::string& author);

  // Sets the client's override (a validated one, author filled in) or clears it (nullptr),
  // then rescores the client at `now` in the same transaction. NOT_FOUND for a client scoring
  // does not know (and then nothing is kept).
  ::clienttier::scoring::v1::Score SetTierOverride(
      const std::string& tenant_id, const std::string& client_id,
      const ::clienttier::scoring::v1::TierOverride* tier_override, UnixMicros now);

  // Puts one validated row (currency, effective_from at midnight UTC, rate) into the reporting
  // currency in force; INVALID_ARGUMENT when `rate.currency` is that currency itself.
  ::clienttier::scoring::v1::ExchangeRate PutExchangeRate(
      const std::string& tenant_id, ::clienttier::scoring::v1::ExchangeRate rate,
      const std::string& author);
  // The rows into the reporting currency in force (of `currency` only, when set).
  std::vector<::clienttier::scoring::v1::ExchangeRate> ListExchangeRates(
      const std::string& tenant_id, const std::string& currency);

 private:
  TransactionRunner& transactions_;
  VersionRepository& versions_;
  ScoreRepository& scores_;
  ExchangeRateRepository& rates_;
  const Rescorer& rescorer_;
  ScoreCache& cache_;
  const Clock& clock_;
  std::string default_currency_;

  // The stored config's currency, or the default one.
  std::string CurrencyInForce(const ::clienttier::scoring::v1::ScoringConfig& latest) const {
    return latest.currency().empty() ? default_currency_ : latest.currency();
  }
};

}  // namespace clienttier::scoring
