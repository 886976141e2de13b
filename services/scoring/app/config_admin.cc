#include "services/scoring/app/config_admin.h"

#include <optional>

#include "common/errors/domain_error.h"

namespace clienttier::scoring {

v1::ScoringConfig ConfigAdmin::GetScoringConfig(const std::string& tenant_id) {
  v1::ScoringConfig config;
  transactions_.Read(
      [&](Transaction& transaction) { config = versions_.LatestConfig(transaction, tenant_id); });
  config.set_currency(CurrencyInForce(config));
  return config;
}

v1::ScoringConfig ConfigAdmin::PutScoringConfig(const std::string& tenant_id,
                                                const v1::ScoringConfig& config,
                                                int64_t expected_version,
                                                const std::string& author) {
  const UnixMicros now = clock_.Now();
  v1::ScoringConfig stored;
  transactions_.InTransaction([&](Transaction& transaction) {
    const v1::ScoringConfig latest = versions_.LatestConfig(transaction, tenant_id);
    v1::ScoringConfig next = config;
    if (next.currency().empty()) {
      next.set_currency(CurrencyInForce(latest));
    } else if (!latest.currency().empty() && next.currency() != latest.currency()) {
      // Scores, populations, models and the rate table are all in the stored currency; a
      // change would mix units in history, so it is set once.
      throw FailedPrecondition("config.currency: the reporting currency is set once; it is " +
                               latest.currency() + ", not " + next.currency());
    }
    stored = versions_.PutConfig(transaction, tenant_id, next, expected_version, author, now);
  });
  return stored;
}

v1::Score ConfigAdmin::SetTierOverride(const std::string& tenant_id, const std::string& client_id,
                                       const v1::TierOverride* tier_override, UnixMicros now) {
  std::optional<v1::Score> score;
  transactions_.InTransaction([&](Transaction& transaction) {
    if (tier_override == nullptr) {
      scores_.ClearOverride(transaction, tenant_id, client_id);
    } else {
      scores_.PutOverride(transaction, tenant_id, client_id, *tier_override, now);
    }
    score = rescorer_.RescoreOne(transaction, tenant_id, client_id, now);
    if (!score) {
      throw NotFound("client '" + client_id + "' is not known to scoring");
    }
  });
  cache_.Invalidate(tenant_id, {client_id});
  return *score;
}

}  // namespace clienttier::scoring

namespace clienttier::scoring {

v1::ExchangeRate ConfigAdmin::PutExchangeRate(const std::string& tenant_id, v1::ExchangeRate rate,
                                              const std::string& author) {
  const UnixMicros now = clock_.Now();
  v1::ExchangeRate stored;
  transactions_.InTransaction([&](Transaction& transaction) {
    const std::string reporting = CurrencyInForce(versions_.LatestConfig(transaction, tenant_id));
    if (rate.currency() == reporting) {
      throw InvalidArgument("rate.currency", "is the reporting currency " + reporting +
                                                 " itself, which needs no rate");
    }
    rate.set_reporting_currency(reporting);
    stored = rates_.Put(transaction, tenant_id, rate, author, now);
  });
  return stored;
}

std::vector<v1::ExchangeRate> ConfigAdmin::ListExchangeRates(const std::string& tenant_id,
                                                             const std::string& currency) {
  std::vector<v1::ExchangeRate> rates;
  transactions_.Read([&](Transaction& transaction) {
    const std::string reporting = CurrencyInForce(versions_.LatestConfig(transaction, tenant_id));
    rates = rates_.List(transaction, tenant_id, reporting, currency);
  });
  return rates;
}

}  // namespace clienttier::scoring
