#include "services/scoring/domain/score.h"

#include <stdexcept>

#include "services/scoring/domain/calendar_days.h"
#include "services/scoring/domain/reason_text.h"

namespace clienttier::scoring {
namespace {

std::string JoinCuts(const std::vector<int64_t>& cuts) {
  std::string text = "[";
  for (size_t i = 0; i < cuts.size(); ++i) {
    text += (i == 0 ? "" : ", ") + std::to_string(cuts[i]);
  }
  return text + "]";
}

// Adds one rule line; the text is only built when the score is explained, because a batch run
// of a million clients would spend most of its time formatting lines nobody reads.
template <typename MakeText>
void Note(Explanation& explanation, MakeText make_text) {
  if (explanation.enabled) {
    explanation.rules.push_back(make_text());
  }
}

void AddInputs(const ClientFacts& facts, const ClvEstimate& clv, Explanation& explanation) {
  if (!explanation.enabled) {
    return;
  }
  const auto add = [&explanation](const char* name, std::string value) {
    explanation.inputs.push_back(ExplanationInput{name, std::move(value)});
  };
  add("first_purchase_day", FormatDay(facts.first_purchase_day));
  add("last_purchase_day", FormatDay(facts.last_purchase_day));
  add("last_activity_day", FormatDay(facts.last_activity_day));
  add("purchase_count", std::to_string(facts.purchase_count));
  add("active_months", std::to_string(facts.active_months));
  add("purchases_30d", std::to_string(facts.purchases_30d));
  add("purchases_90d", std::to_string(facts.purchases_90d));
  add("purchases_365d", std::to_string(facts.purchases_365d));
  add("spend_30d_minor", std::to_string(facts.spend_30d_minor));
  add("spend_90d_minor", std::to_string(facts.spend_90d_minor));
  add("spend_365d_minor", std::to_string(facts.spend_365d_minor));
  if (!facts.unconverted_occasions.empty()) {
    // Spend that is in no figure above, so the reader knows the money inputs are partial.
    std::string left_out;
    for (const auto& [currency, occasions] : facts.unconverted_occasions) {
      left_out += (left_out.empty() ? "" : ", ") + std::to_string(occasions) + " in " + currency;
    }
    add("unconverted_occasions", left_out + " (no exchange rate on their day; spend left out)");
  }
  add("events_attended", std::to_string(facts.events_attended));
  add("content_uses", std::to_string(facts.content_uses));
  add("shares", std::to_string(facts.shares));
  add("referrals_sent", std::to_string(facts.referrals_sent));
  add("referrals_converted", std::to_string(facts.referrals_converted));
  add("clv.method", clv.method.empty() ? std::string("none") : std::string(clv.method));
  add("clv.heuristic", clv.heuristic ? "true" : "false");
  add("clv.p_alive", FormatProbability(clv.p_alive));
  add("clv.expected_purchases", FormatDecimal(clv.expected_purchases, 3));
  add("clv.clv_minor", std::to_string(clv.clv_minor));
}

void ScoreRfmPart(const ClientFacts& facts, const PopulationStats& population,
                  const ScoringConfig& config, Day as_of, ClientScore& score) {
  if (!HasPurchase(facts)) {
    score.spend_tier = SpendTier::kNone;
    Note(score.explanation, [&] { return std::string("rfm: no purchase, no RFM score"); });
    return;
  }
  const RfmInput input = RfmInputFromFacts(facts, config.rfm, as_of);
  const RfmScore rfm = ScoreRfm(input, population.rfm);
  score.rfm_input = input;
  score.rfm = rfm;
  score.rfm_cell = CellString(rfm);
  const std::string window = std::to_string(config.rfm.window_days) + "d";
  Note(score.explanation, [&] {
    return std::string("rfm.recency: " + std::to_string(input.recency_days) + " days, cuts " +
                       JoinCuts(population.rfm.recency_cuts_days) + " -> " +
                       std::to_string(rfm.recency));
  });
  Note(score.explanation, [&] {
    return std::string("rfm.frequency: " + std::to_string(input.frequency) + " purchases in " +
                       window + ", cuts " + JoinCuts(population.rfm.frequency_cuts) + " -> " +
                       std::to_string(rfm.frequency));
  });
  Note(score.explanation, [&] {
    return std::string("rfm.monetary: " + std::to_string(input.monetary_minor) + " minor in " +
                       window + ", cuts " + JoinCuts(population.rfm.monetary_cuts_minor) + " -> " +
                       std::to_string(rfm.monetary));
  });
  Note(score.explanation, [&] {
    return std::string("rfm.segment: cell " + score.rfm_cell + " -> " + Name(rfm.segment));
  });

  const Day first_day =
      facts.first_purchase_day == kNever ? facts.last_purchase_day : facts.first_purchase_day;
  const int64_t exposure_days = ExposureDays(first_day, as_of, config.rfm.window_days);
  score.spend_tier = ClassifySpendTier(input.monetary_minor, exposure_days, config.spend_tier);
  score.average_monthly_spend_minor = AverageMonthlySpendMinor(input.monetary_minor, exposure_days);
  const SpendTierConfig& limits = config.spend_tier;
  std::string comparison;
  if (score.spend_tier == SpendTier::kBasic) {
    comparison = "<= basic_max_monthly_minor " + std::to_string(limits.basic_max_monthly_minor);
  } else if (score.spend_tier == SpendTier::kGrowth) {
    comparison = "<= growth_max_monthly_minor " + std::to_string(limits.growth_max_monthly_minor);
  } else {
    comparison = "> growth_max_monthly_minor " + std::to_string(limits.growth_max_monthly_minor);
  }
  Note(score.explanation, [&] {
    return std::string("spend_tier: average monthly spend " +
                       std::to_string(score.average_monthly_spend_minor) + " over " +
                       std::to_string(exposure_days) + " days " + comparison + " -> " +
                       Name(score.spend_tier));
  });
}

void ScoreQuadrantPart(const ClientFacts& facts, const PopulationStats& population,
                       const ClvEstimate& clv, ClientScore& score) {
  if (!HasPurchase(facts)) {
    return;
  }
  score.quadrant_value_minor = QuadrantValueMinor(facts);
  score.quadrant_potential_minor = QuadrantPotentialMinor(facts, clv);
  score.quadrant = ClassifyQuadrant(score.quadrant_value_minor, score.quadrant_potential_minor,
                                    population.quadrant);
  const QuadrantCuts& cuts = population.quadrant;
  const auto side = [](int64_t value, int64_t cut) {
    return std::to_string(value) + (value > cut ? " > cut " : " <= cut ") + std::to_string(cut);
  };
  Note(score.explanation, [&] {
    return std::string(
        "quadrant: value " + side(score.quadrant_value_minor, cuts.value_cut_minor) +
        ", potential " + side(score.quadrant_potential_minor, cuts.potential_cut_minor) + " (p" +
        FormatDecimal(cuts.value_percentile, 2) + "/p" +
        FormatDecimal(cuts.potential_percentile, 2) + ") -> " + Name(score.quadrant));
  });
}

void AddContributions(const ScoringConfig& config, ClientScore& score) {
  const CompositeConfig& weights = config.composite;
  const auto add = [&score](const char* dimension, double sub_score, double weight) {
    score.explanation.contributions.push_back(
        Contribution{dimension, sub_score, weight, weight * sub_score});
  };
  add("consumption", score.sub_scores.consumption, weights.consumption_weight);
  add("need_depth", score.sub_scores.need_depth, weights.need_depth_weight);
  add("propagation", score.sub_scores.propagation, weights.propagation_weight);
}

}  // namespace

ClientScore ScoreClient(const ClientFacts& facts, const PopulationStats& population,
                        const ClvEstimate& clv, const ScoringConfig& config,
                        const TierState& previous, const std::optional<TierOverride>& tier_override,
                        Day as_of, ScoreDetail detail) {
  if (population.config_version != config.version) {
    throw std::invalid_argument("population stats are for config version " +
                                std::to_string(population.config_version) + ", not " +
                                std::to_string(config.version));
  }
  ClientScore score;
  score.client_id = facts.client_id;
  score.as_of = as_of;
  score.config_version = config.version;
  score.population_version = population.version;
  score.clv = clv;
  score.explanation.enabled = detail == ScoreDetail::kExplained;
  AddInputs(facts, clv, score.explanation);

  ScoreRfmPart(facts, population, config, as_of, score);

  score.need_depth = NeedDepthFor(facts, config.need_depth);
  Note(score.explanation, [&] {
    return std::string("need_depth: " + std::to_string(facts.purchase_count) + " paid occasions, " +
                       std::to_string(facts.active_months) + " active months (moderate from " +
                       std::to_string(config.need_depth.moderate_min_sessions) + ", deep from " +
                       std::to_string(config.need_depth.deep_min_sessions) + " or " +
                       std::to_string(config.need_depth.deep_min_active_months) + " months) -> " +
                       Name(score.need_depth));
  });

  const std::optional<double> p_alive =
      clv.method.empty() ? std::nullopt : std::optional<double>(clv.p_alive);
  score.inactive_days = InactiveDays(facts, as_of);
  score.lifecycle = ClassifyLifecycle(facts, p_alive, config.lifecycle, as_of);
  Note(score.explanation, [&] {
    return std::string(
        "lifecycle: first purchase " + FormatDay(facts.first_purchase_day) + ", inactive " +
        std::to_string(score.inactive_days) + " days (dormant at " +
        std::to_string(config.lifecycle.dormant_days) + ", churned at " +
        std::to_string(config.lifecycle.churned_days) + "), p_alive " +
        (p_alive.has_value() ? FormatProbability(*p_alive) : std::string("unknown")) +
        " (churned below " + FormatProbability(config.lifecycle.churned_p_alive) + ") -> " +
        Name(score.lifecycle));
  });

  score.propagation_tier = ClassifyPropagation(facts, config.propagation);
  score.propagation_index = PropagationIndex(facts);
  Note(score.explanation, [&] {
    return std::string("propagation: " + FormatDecimal(PropagationPoints(facts), 1) +
                       " points -> index " + FormatScore(score.propagation_index) + ", " +
                       std::to_string(facts.referrals_converted) +
                       " converted referrals (spreader at " +
                       std::to_string(config.propagation.spreader_min_converted) + ") -> " +
                       Name(score.propagation_tier));
  });

  ScoreQuadrantPart(facts, population, clv, score);

  score.sub_scores.consumption = ConsumptionScore(score.rfm, population.rfm.bins);
  score.sub_scores.need_depth = NeedDepthScore(score.need_depth);
  score.sub_scores.propagation = score.propagation_index;
  score.composite = CompositeScore(score.sub_scores, config.composite);
  AddContributions(config, score);

  score.tier = DecideTier(score.composite, previous, tier_override, config, as_of,
                          score.explanation.enabled);
  if (score.tier.changed && previous.tier != Tier::kUnspecified && score.tier.reason.empty()) {
    // A change is recorded with its reason even when the score is not explained (a client's
    // first tier is not a change). Changes are rare, so this formatted second pass costs
    // little.
    score.tier = DecideTier(score.composite, previous, tier_override, config, as_of, true);
  }
  Note(score.explanation,
       [&] { return std::string("tier: " + score.tier.reason + " -> " + Name(score.tier.tier)); });

  score.churn_warning =
      EvaluateChurnWarning(score.tier.tier, p_alive, score.inactive_days, config.churn_warning);
  if (score.churn_warning.warned) {
    Note(score.explanation,
         [&] { return std::string("churn_warning: " + score.churn_warning.reason); });
  }
  return score;
}

}  // namespace clienttier::scoring
