#include "services/scoring/scoring_mapping.h"

#include <algorithm>

#include "common/errors/domain_error.h"
#include "common/validation/validation.h"
#include "services/scoring/domain/lifecycle.h"
#include "services/scoring/domain/quadrant.h"

namespace clienttier::scoring {

static_assert(static_cast<int>(v1::TIER_T3) == static_cast<int>(Tier::kT3));
static_assert(static_cast<int>(v1::SPEND_TIER_PREMIUM) == static_cast<int>(SpendTier::kPremium));
static_assert(static_cast<int>(v1::NEED_DEPTH_DEEP) == static_cast<int>(NeedDepth::kDeep));
static_assert(static_cast<int>(v1::LIFECYCLE_STAGE_CHURNED) ==
              static_cast<int>(LifecycleStage::kChurned));
static_assert(static_cast<int>(v1::PROPAGATION_TIER_SPREADER) ==
              static_cast<int>(PropagationTier::kSpreader));
static_assert(static_cast<int>(v1::QUADRANT_DOG) == static_cast<int>(Quadrant::kDog));

namespace {

template <typename Repeated>
std::vector<int64_t> ToVector(const Repeated& values) {
  return std::vector<int64_t>(values.begin(), values.end());
}

template <typename Repeated>
void Assign(const std::vector<int64_t>& values, Repeated* out) {
  out->Clear();
  for (const int64_t value : values) {
    out->Add(value);
  }
}

// Money written in place into a message's field: a batch writes nine per score for a million
// clients, and a temporary copied in cost two more allocations each.
void SetMoney(common::v1::Money* out, int64_t units, const std::string& currency) {
  out->set_units(units);
  out->set_currency(currency);
}

}  // namespace

ScoringConfig ConfigFromProto(const v1::ScoringConfig& proto) {
  ScoringConfig config;
  config.version = proto.version();
  config.rfm.window_days = proto.rfm().window_days();
  config.rfm.bins = proto.rfm().bins();
  config.rfm.recency_cuts_days = ToVector(proto.rfm().recency_cuts_days());
  config.rfm.frequency_cuts = ToVector(proto.rfm().frequency_cuts());
  config.rfm.monetary_cuts_minor = ToVector(proto.rfm().monetary_cuts_minor());
  config.spend_tier.basic_max_monthly_minor = proto.spend_tier().basic_max_monthly_minor();
  config.spend_tier.growth_max_monthly_minor = proto.spend_tier().growth_max_monthly_minor();
  config.need_depth.moderate_min_sessions = proto.need_depth().moderate_min_sessions();
  config.need_depth.deep_min_sessions = proto.need_depth().deep_min_sessions();
  config.need_depth.deep_min_active_months = proto.need_depth().deep_min_active_months();
  config.lifecycle.onboarding_months = proto.lifecycle().onboarding_months();
  config.lifecycle.growth_months = proto.lifecycle().growth_months();
  config.lifecycle.dormant_days = proto.lifecycle().dormant_days();
  config.lifecycle.churned_days = proto.lifecycle().churned_days();
  config.lifecycle.churned_p_alive = proto.lifecycle().churned_p_alive();
  config.propagation.spreader_min_converted = proto.propagation().spreader_min_converted();
  config.clv.horizon_months = proto.clv().horizon_months();
  config.clv.horizon_days = proto.clv().horizon_days();
  config.clv.monthly_discount_rate = proto.clv().monthly_discount_rate();
  config.clv.min_clients_to_fit = proto.clv().min_clients_to_fit();
  config.clv.min_repeat_buyers_to_fit = proto.clv().min_repeat_buyers_to_fit();
  config.quadrant.value_percentile = proto.quadrant().value_percentile();
  config.quadrant.potential_percentile = proto.quadrant().potential_percentile();
  config.composite.consumption_weight = proto.composite().consumption_weight();
  config.composite.need_depth_weight = proto.composite().need_depth_weight();
  config.composite.propagation_weight = proto.composite().propagation_weight();
  config.tiers.t1_min_score = proto.tiers().t1_min_score();
  config.tiers.t2_min_score = proto.tiers().t2_min_score();
  config.tiers.demotion_margin = proto.tiers().demotion_margin();
  config.tiers.demotion_grace_days = proto.tiers().demotion_grace_days();
  config.churn_warning.p_alive_below = proto.churn_warning().p_alive_below();
  config.churn_warning.inactive_days = proto.churn_warning().inactive_days();
  return config;
}

v1::ScoringConfig ConfigToProto(const ScoringConfig& config, const std::string& currency) {
  v1::ScoringConfig proto;
  proto.set_version(config.version);
  proto.set_currency(currency);
  auto* rfm = proto.mutable_rfm();
  rfm->set_window_days(static_cast<int32_t>(config.rfm.window_days));
  rfm->set_bins(static_cast<int32_t>(config.rfm.bins));
  Assign(config.rfm.recency_cuts_days, rfm->mutable_recency_cuts_days());
  Assign(config.rfm.frequency_cuts, rfm->mutable_frequency_cuts());
  Assign(config.rfm.monetary_cuts_minor, rfm->mutable_monetary_cuts_minor());
  proto.mutable_spend_tier()->set_basic_max_monthly_minor(
      config.spend_tier.basic_max_monthly_minor);
  proto.mutable_spend_tier()->set_growth_max_monthly_minor(
      config.spend_tier.growth_max_monthly_minor);
  auto* depth = proto.mutable_need_depth();
  depth->set_moderate_min_sessions(static_cast<int32_t>(config.need_depth.moderate_min_sessions));
  depth->set_deep_min_sessions(static_cast<int32_t>(config.need_depth.deep_min_sessions));
  depth->set_deep_min_active_months(static_cast<int32_t>(config.need_depth.deep_min_active_months));
  auto* lifecycle = proto.mutable_lifecycle();
  lifecycle->set_onboarding_months(static_cast<int32_t>(config.lifecycle.onboarding_months));
  lifecycle->set_growth_months(static_cast<int32_t>(config.lifecycle.growth_months));
  lifecycle->set_dormant_days(static_cast<int32_t>(config.lifecycle.dormant_days));
  lifecycle->set_churned_days(static_cast<int32_t>(config.lifecycle.churned_days));
  lifecycle->set_churned_p_alive(config.lifecycle.churned_p_alive);
  proto.mutable_propagation()->set_spreader_min_converted(
      static_cast<int32_t>(config.propagation.spreader_min_converted));
  auto* clv = proto.mutable_clv();
  clv->set_horizon_months(static_cast<int32_t>(config.clv.horizon_months));
  clv->set_horizon_days(static_cast<int32_t>(config.clv.horizon_days));
  clv->set_monthly_discount_rate(config.clv.monthly_discount_rate);
  clv->set_min_clients_to_fit(static_cast<int32_t>(config.clv.min_clients_to_fit));
  clv->set_min_repeat_buyers_to_fit(static_cast<int32_t>(config.clv.min_repeat_buyers_to_fit));
  proto.mutable_quadrant()->set_value_percentile(config.quadrant.value_percentile);
  proto.mutable_quadrant()->set_potential_percentile(config.quadrant.potential_percentile);
  proto.mutable_composite()->set_consumption_weight(config.composite.consumption_weight);
  proto.mutable_composite()->set_need_depth_weight(config.composite.need_depth_weight);
  proto.mutable_composite()->set_propagation_weight(config.composite.propagation_weight);
  auto* tiers = proto.mutable_tiers();
  tiers->set_t1_min_score(config.tiers.t1_min_score);
  tiers->set_t2_min_score(config.tiers.t2_min_score);
  tiers->set_demotion_margin(config.tiers.demotion_margin);
  tiers->set_demotion_grace_days(static_cast<int32_t>(config.tiers.demotion_grace_days));
  proto.mutable_churn_warning()->set_p_alive_below(config.churn_warning.p_alive_below);
  proto.mutable_churn_warning()->set_inactive_days(
      static_cast<int32_t>(config.churn_warning.inactive_days));
  return proto;
}

void ValidateConfigProto(const v1::ScoringConfig& proto) {
  std::string problems;
  if (!proto.currency().empty() && !validation::IsKnownCurrency(proto.currency())) {
    problems = "config.currency: must be empty or a known ISO 4217 code";
  }
  for (const ConfigProblem& problem : ValidateScoringConfig(ConfigFromProto(proto))) {
    problems += (problems.empty() ? "" : "; ") + problem.field + ": " + problem.rule;
  }
  if (!problems.empty()) {
    throw DomainError(ErrorKind::kInvalid, problems);
  }
}

std::vector<ExchangeRate> ExchangeRatesFromProto(const std::vector<v1::ExchangeRate>& rows) {
  std::vector<ExchangeRate> rates;
  rates.reserve(rows.size());
  for (const v1::ExchangeRate& row : rows) {
    rates.push_back(ExchangeRate{row.currency(),
                                 FromProtoTimestamp(row.effective_from()) / kMicrosPerDay,
                                 row.reporting_minor_per_minor_micros()});
  }
  return rates;
}

PopulationStats PopulationFromProto(const v1::PopulationStats& proto) {
  PopulationStats stats;
  stats.version = proto.version();
  stats.config_version = proto.config_version();
  stats.client_count = proto.clients();
  stats.purchaser_count = proto.purchasers();
  stats.rfm.bins = proto.bins();
  stats.rfm.recency_cuts_days = ToVector(proto.recency_cuts_days());
  stats.rfm.frequency_cuts = ToVector(proto.frequency_cuts());
  stats.rfm.monetary_cuts_minor = ToVector(proto.monetary_cuts_minor());
  stats.quadrant.value_percentile = proto.quadrant_value_percentile();
  stats.quadrant.potential_percentile = proto.quadrant_potential_percentile();
  stats.quadrant.value_cut_minor = proto.quadrant_value_cut();
  stats.quadrant.potential_cut_minor = proto.quadrant_potential_cut();
  stats.as_of = FromProtoTimestamp(proto.computed_at()) / kMicrosPerDay;
  return stats;
}

v1::PopulationStats PopulationToProto(const PopulationStats& stats, UnixMicros computed_at,
                                      const std::string& currency) {
  v1::PopulationStats proto;
  proto.set_currency(currency);
  proto.set_version(stats.version);
  proto.set_config_version(stats.config_version);
  *proto.mutable_computed_at() = ToProtoTimestamp(computed_at);
  proto.set_clients(stats.client_count);
  proto.set_purchasers(stats.purchaser_count);
  proto.set_bins(static_cast<int32_t>(stats.rfm.bins));
  Assign(stats.rfm.recency_cuts_days, proto.mutable_recency_cuts_days());
  Assign(stats.rfm.frequency_cuts, proto.mutable_frequency_cuts());
  Assign(stats.rfm.monetary_cuts_minor, proto.mutable_monetary_cuts_minor());
  proto.set_quadrant_value_percentile(stats.quadrant.value_percentile);
  proto.set_quadrant_potential_percentile(stats.quadrant.potential_percentile);
  proto.set_quadrant_value_cut(stats.quadrant.value_cut_minor);
  proto.set_quadrant_potential_cut(stats.quadrant.potential_cut_minor);
  return proto;
}

namespace {

void AddParameter(v1::ModelFit& fit, const char* name, double value, double standard_error,
                  const std::string& unit = "") {
  auto* parameter = fit.add_parameters();
  parameter->set_name(name);
  parameter->set_value(value);
  parameter->set_standard_error(standard_error);
  parameter->set_unit(unit);
}

template <typename Params>
v1::ModelFit FitHeader(const FitResult<Params>& fit) {
  v1::ModelFit proto;
  std::string status = FitStatusName(fit.status);
  std::replace(status.begin(), status.end(), ' ', '_');  // "too little data" -> "too_little_data"
  proto.set_status(status);
  proto.set_message(fit.message);
  proto.set_log_likelihood(fit.log_likelihood);
  proto.set_iterations(fit.iterations);
  proto.set_converged(fit.usable());
  proto.set_clients(static_cast<int64_t>(fit.clients_used));
  return proto;
}

double Parameter(const v1::ModelFit& fit, const std::string& name) {
  for (const auto& parameter : fit.parameters()) {
    if (parameter.name() == name) {
      return parameter.value();
    }
  }
  return 0.0;
}

}  // namespace

v1::ModelFit BgNbdFitToProto(const FitResult<BgNbdParams>& fit) {
  v1::ModelFit proto = FitHeader(fit);
  AddParameter(proto, "r", fit.params.r, fit.standard_errors.r);
  AddParameter(proto, "alpha", fit.params.alpha, fit.standard_errors.alpha, "days");
  AddParameter(proto, "a", fit.params.a, fit.standard_errors.a);
  AddParameter(proto, "b", fit.params.b, fit.standard_errors.b);
  return proto;
}

v1::ModelFit GammaGammaFitToProto(const FitResult<GammaGammaParams>& fit,
                                  const std::string& currency) {
  v1::ModelFit proto = FitHeader(fit);
  AddParameter(proto, "p", fit.params.p, fit.standard_errors.p);
  AddParameter(proto, "q", fit.params.q, fit.standard_errors.q);
  AddParameter(proto, "gamma", fit.params.gamma, fit.standard_errors.gamma,
               "minor units of " + currency);
  return proto;
}

v1::ClvModel ClvModelToProto(const ClvFits& fits, const std::string& currency, Day as_of,
                             UnixMicros fitted_at) {
  v1::ClvModel model;
  *model.mutable_fitted_at() = ToProtoTimestamp(fitted_at);
  *model.mutable_as_of() = ToProtoTimestamp(as_of * kMicrosPerDay);
  model.set_currency(currency);
  *model.mutable_bg_nbd() = BgNbdFitToProto(fits.purchase);
  *model.mutable_gamma_gamma() = GammaGammaFitToProto(fits.spend, currency);
  if (!fits.unconverted_note.empty()) {
    model.mutable_gamma_gamma()->set_message(model.gamma_gamma().message() + "; " +
                                             fits.unconverted_note);
  }
  model.set_usable(fits.purchase.usable() && fits.spend.usable());
  return model;
}

ClvModel ClvModelFromProto(const v1::ClvModel* proto) {
  ClvModel model;
  if (proto == nullptr) {
    model.fallback_reason = "no CLV model fitted for this tenant yet (FitClvModel)";
    return model;
  }
  model.has_purchase_model = proto->bg_nbd().converged();
  if (model.has_purchase_model) {
    const auto& fit = proto->bg_nbd();
    model.purchase_model = BgNbdParams{Parameter(fit, "r"), Parameter(fit, "alpha"),
                                       Parameter(fit, "a"), Parameter(fit, "b")};
  }
  model.has_spend_model = proto->gamma_gamma().converged();
  if (model.has_spend_model) {
    const auto& fit = proto->gamma_gamma();
    model.spend_model =
        GammaGammaParams{Parameter(fit, "p"), Parameter(fit, "q"), Parameter(fit, "gamma")};
  }
  if (!model.has_purchase_model) {
    model.fallback_reason =
        "BG/NBD fit " + proto->bg_nbd().status() + ": " + proto->bg_nbd().message();
  } else if (!model.has_spend_model) {
    model.fallback_reason =
        "Gamma-Gamma fit " + proto->gamma_gamma().status() + ": " + proto->gamma_gamma().message();
  }
  return model;
}

v1::Tier TierToProto(Tier tier) { return static_cast<v1::Tier>(static_cast<int>(tier)); }

Tier TierFromProto(v1::Tier tier) { return static_cast<Tier>(static_cast<int>(tier)); }

v1::Score ScoreToProto(const ClientScore& score, const ClientFacts& facts,
                       const ScoreContext& context) {
  const std::string& currency = context.currency;
  v1::Score proto;
  proto.set_client_id(score.client_id);
  *proto.mutable_as_of() = ToProtoTimestamp(context.as_of);
  proto.set_config_version(score.config_version);
  proto.set_model_version(context.model_version);
  proto.set_population_version(score.population_version);
  proto.set_score(score.composite);
  proto.set_tier(TierToProto(score.tier.tier));

  auto* rfm = proto.mutable_rfm();
  rfm->set_recency_days(score.rfm_input ? score.rfm_input->recency_days : -1);
  rfm->set_frequency(score.rfm_input ? score.rfm_input->frequency : 0);
  SetMoney(rfm->mutable_monetary(), score.rfm_input ? score.rfm_input->monetary_minor : 0,
           currency);
  if (score.rfm) {
    rfm->set_r_score(score.rfm->recency);
    rfm->set_f_score(score.rfm->frequency);
    rfm->set_m_score(score.rfm->monetary);
    rfm->set_cell(score.rfm_cell);
    rfm->set_segment(Name(score.rfm->segment));
  }
  proto.set_spend_tier(static_cast<v1::SpendTier>(static_cast<int>(score.spend_tier)));
  proto.set_need_depth(static_cast<v1::NeedDepth>(static_cast<int>(score.need_depth)));
  proto.set_lifecycle(static_cast<v1::LifecycleStage>(static_cast<int>(score.lifecycle)));
  proto.set_propagation_tier(
      static_cast<v1::PropagationTier>(static_cast<int>(score.propagation_tier)));
  proto.set_propagation_index(static_cast<int32_t>(score.propagation_index + 0.5));
  auto* clv = proto.mutable_clv();
  clv->set_expected_purchases(score.clv.expected_purchases);
  clv->set_p_alive(score.clv.p_alive);
  SetMoney(clv->mutable_expected_spend(), score.clv.expected_spend_minor, currency);
  SetMoney(clv->mutable_clv(), score.clv.clv_minor, currency);
  clv->set_heuristic(score.clv.heuristic);
  clv->set_method(std::string(score.clv.method));
  proto.set_quadrant(static_cast<v1::Quadrant>(static_cast<int>(score.quadrant)));

  auto* windows = proto.mutable_windows();
  windows->set_purchases_30d(facts.purchases_30d);
  windows->set_purchases_90d(facts.purchases_90d);
  windows->set_purchases_365d(facts.purchases_365d);
  SetMoney(windows->mutable_spend_30d(), facts.spend_30d_minor, currency);
  SetMoney(windows->mutable_spend_90d(), facts.spend_90d_minor, currency);
  SetMoney(windows->mutable_spend_365d(), facts.spend_365d_minor, currency);
  windows->set_sessions_90d(facts.sessions_90d);
  windows->set_days_since_login(
      facts.last_login_day == kNever ? -1 : score.as_of - facts.last_login_day);
  proto.set_churn_warning(score.churn_warning.warned);
  proto.set_churn_reason(score.churn_warning.reason);
  proto.set_lifetime_purchases(facts.purchase_count);
  SetMoney(proto.mutable_lifetime_spend(), facts.spend_minor, currency);
  SetMoney(proto.mutable_value_12m(), score.quadrant_value_minor, currency);
  SetMoney(proto.mutable_potential_12m(), score.quadrant_potential_minor, currency);
  return proto;
}

namespace {

void AddCount(google::protobuf::RepeatedPtrField<v1::NamedCount>* counts, const std::string& name,
              int64_t count) {
  auto* entry = counts->Add();
  entry->set_name(name);
  entry->set_count(count);
}

}  // namespace

v1::TierDistribution DistributionToProto(const TierDistributionTally& tally,
                                         const std::string& currency) {
  v1::TierDistribution distribution;
  distribution.set_total_clients(tally.total_clients());
  for (const int tier : {1, 2, 3}) {
    auto* bucket = distribution.add_tiers();
    bucket->set_tier(static_cast<v1::Tier>(tier));
    bucket->set_clients(tally.TierClients(tier));
    bucket->mutable_revenue_12m()->set_units(tally.TierRevenueMinor(tier));
    bucket->mutable_revenue_12m()->set_currency(currency);
    bucket->set_revenue_share(tally.TierRevenueShare(tier));
  }
  for (const ParetoPoint& point : tally.Pareto()) {
    auto* out = distribution.add_pareto();
    out->set_client_share(point.client_share);
    out->set_revenue_share(point.revenue_share);
  }
  for (const int quadrant : {1, 2, 3, 4}) {
    AddCount(distribution.mutable_quadrants(), Name(static_cast<Quadrant>(quadrant)),
             tally.QuadrantClients(quadrant));
  }
  for (const int stage : {1, 2, 3, 4, 5, 6}) {
    AddCount(distribution.mutable_lifecycle_funnel(), Name(static_cast<LifecycleStage>(stage)),
             tally.LifecycleClients(stage));
  }
  for (const auto& [segment, count] : tally.rfm_segments()) {
    AddCount(distribution.mutable_rfm_segments(), segment, count);
  }
  return distribution;
}

}  // namespace clienttier::scoring
