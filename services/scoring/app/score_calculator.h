#pragma once

#include <optional>
#include <string>
#include <vector>

#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/scoring/domain/clv.h"
#include "services/scoring/domain/clv_fitting.h"
#include "services/scoring/domain/exchange_rates.h"
#include "services/scoring/domain/score.h"
#include "services/scoring/storage/aggregate_repository.h"
#include "services/scoring/storage/exchange_rate_repository.h"
#include "services/scoring/storage/score_repository.h"
#include "services/scoring/storage/version_repository.h"

namespace clienttier::scoring {

// Everything population-relative a tenant's scores are computed with.
struct TenantContext {
  ::clienttier::scoring::v1::ScoringConfig config_proto;
  ScoringConfig config;
  // The reporting currency (never empty) and how other currencies' spend is converted into it.
  std::string currency;
  SpendConversion conversion;
  std::optional<::clienttier::scoring::v1::ClvModel> model_proto;
  ClvModel model;
  int64_t model_version = 0;
  std::optional<::clienttier::scoring::v1::PopulationStats> population_proto;
  PopulationStats population;
};

// The CLV models fitted on a tenant's activity up to a day (FitAsOf).
struct TenantFit {
  // The stored context (active config, currency, exchange rates; the stored model and
  // population as they are).
  TenantContext context;
  // Every known, not erased client as of the day, in client id order.
  std::vector<ClientFacts> facts;
  ClvFits fits;
};

// A tenant as of a past day for the as-of RPCs (LoadAsOf); none of it is stored.
struct AsOfTenant {
  // The model fitted as of the day (model_version 0) and the population computed as of it
  // (version 0), with the active config and exchange rates.
  TenantContext context;
  std::vector<ClientFacts> facts;      // as in TenantFit
  std::vector<ClvEstimate> estimates;  // facts[i]'s CLV with that model at the day
};

// One client's freshly computed score with what explains it; nothing stored yet.
struct ComputedScore {
  ClientFacts facts;
  ClientScore domain;
  ::clienttier::scoring::v1::Score proto;
};

// Loads a tenant's context and computes scores with the pure domain code (shared by every use
// case that scores).
class ScoreCalculator {
 public:
  // `default_currency` is used when the tenant's config names none.
  ScoreCalculator(VersionRepository& versions, AggregateRepository& aggregates,
                  ExchangeRateRepository& rates, std::string default_currency);

  // Config, model and population of the tenant. When no population matches the active config
  // version, a fresh one is computed from all the tenant's clients and stored (`for_write`
  // only), so the first event after a config change is consistent with the next batch run.
  TenantContext LoadContext(Transaction& transaction, const std::string& tenant_id, UnixMicros now,
                            bool for_write) const;
  // Config, model and the latest stored population as they are (population_proto unset when
  // none is stored; `population` then default): for BatchRescore, which computes the population
  // itself or requires a stored one, and must not read the whole tenant here.
  TenantContext LoadStoredContext(Transaction& transaction, const std::string& tenant_id) const;

  // Pure computation over loaded facts.
  ComputedScore Compute(const TenantContext& context, const ClientFacts& facts,
                        const TierState& previous, const std::optional<TierOverrideRecord>& record,
                        UnixMicros now, ScoreDetail detail = ScoreDetail::kExplained) const;
  // The same with the client's CLV estimate already computed (EstimateFor with this context at
  // now's day): a batch that estimated every client for the population does not do it twice.
  ComputedScore Compute(const TenantContext& context, const ClientFacts& facts,
                        const ClvEstimate& clv, const TierState& previous,
                        const std::optional<TierOverrideRecord>& record, UnixMicros now,
                        ScoreDetail detail) const;
  ClvEstimate EstimateFor(const TenantContext& context, const ClientFacts& facts, Day as_of) const;

  // The one rule for fitting on the activity up to a day, shared by FitClvModel (today or its
  // as_of), EvaluateClvModel (the calibration end) and the as-of scores: the facts of every
  // client as of `as_of` (days after it ignored, T measured at it) and FitClvModels on them
  // with the tenant's active config and exchange rates.
  TenantFit FitAsOf(Transaction& transaction, const std::string& tenant_id, Day as_of) const;
  // FitAsOf plus what scores need: every client's interaction counters and referral counts
  // summed from their dated rows up to `as_of` (not today's running totals), that fit as the
  // model, every client's CLV estimate with it and the population statistics from them, all as
  // of `as_of`; `now` is the fit's time.
  AsOfTenant LoadAsOf(Transaction& transaction, const std::string& tenant_id, Day as_of,
                      UnixMicros now) const;

 private:
  VersionRepository& versions_;
  AggregateRepository& aggregates_;
  ExchangeRateRepository& rates_;
  std::string default_currency_;
};

// The model day of a time (whole days since the epoch).
inline Day ModelDayOf(UnixMicros micros) { return micros / kMicrosPerDay; }

}  // namespace clienttier::scoring
