#include "services/scoring/domain/tiering.h"

#include "services/scoring/domain/calendar_days.h"
#include "services/scoring/domain/reason_text.h"

namespace clienttier::scoring {
namespace {

// Lower rank is better; kUnspecified ranks below every tier so any tier is a promotion.
int Rank(Tier tier) { return tier == Tier::kUnspecified ? 4 : static_cast<int>(tier); }
bool Better(Tier a, Tier b) { return Rank(a) < Rank(b); }

// The score a tier needs; T3 needs none.
std::optional<double> MinScore(Tier tier, const TierConfig& thresholds) {
  if (tier == Tier::kT1) {
    return thresholds.t1_min_score;
  }
  if (tier == Tier::kT2) {
    return thresholds.t2_min_score;
  }
  return std::nullopt;
}

const char* ThresholdName(Tier tier) { return tier == Tier::kT1 ? "t1_min_score" : "t2_min_score"; }

// "score 81.2 >= t1_min_score 80" or, for T3, "score 30 < t2_min_score 40".
std::string EarnedText(double score, Tier tier, const TierConfig& thresholds) {
  const std::string score_text = "score " + FormatScore(score);
  if (tier == Tier::kT3) {
    return score_text + " < t2_min_score " + FormatScore(thresholds.t2_min_score);
  }
  return score_text + " >= " + ThresholdName(tier) + " " + FormatScore(*MinScore(tier, thresholds));
}

struct Held {
  Tier tier;
  std::string reason;
};

// `with_reason` false leaves the reason empty: a batch over a million clients would spend
// most of its time formatting text only changes and explanations need.
Held ApplyHysteresis(double score, Tier earned, const TierState& previous,
                     const ScoringConfig& config, Day as_of, bool with_reason) {
  const TierConfig& thresholds = config.tiers;
  const auto because = [with_reason](const auto& make_text) {
    return with_reason ? make_text() : std::string();
  };
  if (previous.tier == Tier::kUnspecified) {
    return {earned, because([&] { return "initial: " + EarnedText(score, earned, thresholds); })};
  }
  if (Better(earned, previous.tier)) {
    return {earned, because([&] { return "promoted: " + EarnedText(score, earned, thresholds); })};
  }
  if (earned == previous.tier) {
    return {earned, because([&] { return "unchanged: " + EarnedText(score, earned, thresholds); })};
  }
  const double threshold = *MinScore(previous.tier, thresholds);
  const double margin = config.tiers.demotion_margin;
  const auto threshold_text = [&] {
    return std::string(ThresholdName(previous.tier)) + " " + FormatScore(threshold);
  };
  if (score < threshold - margin) {
    return {earned, because([&] {
              return "demoted: score " + FormatScore(score) + " < " + threshold_text() +
                     " - margin " + FormatScore(margin);
            })};
  }
  const Day below_since = previous.below_since == kNever ? as_of : previous.below_since;
  const int64_t days_below = as_of - below_since;
  const int64_t grace_days = config.tiers.demotion_grace_days;
  if (days_below >= grace_days) {
    return {earned, because([&] {
              return "demoted: below " + threshold_text() + " since " + FormatDay(below_since) +
                     ", " + std::to_string(days_below) + " days >= grace " +
                     std::to_string(grace_days);
            })};
  }
  return {previous.tier, because([&] {
            return "held: within demotion margin: score " + FormatScore(score) +
                   " >= " + threshold_text() + " - margin " + FormatScore(margin) +
                   ", below since " + FormatDay(below_since) + " (" + std::to_string(days_below) +
                   " of " + std::to_string(grace_days) + " grace days)";
          })};
}

std::string OverrideText(const TierOverride& tier_override) {
  std::string text =
      std::string("override: ") + Name(tier_override.mode) + " " + Name(tier_override.tier);
  if (tier_override.expires_day == kNever) {
    return text + " (no expiry)";
  }
  return text + " until " + FormatDay(tier_override.expires_day);
}

}  // namespace

const char* Name(Tier tier) {
  switch (tier) {
    case Tier::kUnspecified:
      return "unspecified";
    case Tier::kT1:
      return "T1";
    case Tier::kT2:
      return "T2";
    case Tier::kT3:
      return "T3";
  }
  return "unspecified";
}

const char* Name(OverrideMode mode) {
  switch (mode) {
    case OverrideMode::kUnspecified:
      return "unspecified";
    case OverrideMode::kFloor:
      return "floor";
    case OverrideMode::kFixed:
      return "fixed";
  }
  return "unspecified";
}

bool OverrideActive(const TierOverride& tier_override, Day as_of) {
  if (tier_override.mode == OverrideMode::kUnspecified ||
      tier_override.tier == Tier::kUnspecified) {
    return false;
  }
  return tier_override.expires_day == kNever || as_of <= tier_override.expires_day;
}

Tier TierForScore(double score, const TierConfig& thresholds) {
  if (score >= thresholds.t1_min_score) {
    return Tier::kT1;
  }
  if (score >= thresholds.t2_min_score) {
    return Tier::kT2;
  }
  return Tier::kT3;
}

TierDecision DecideTier(double score, const TierState& previous,
                        const std::optional<TierOverride>& tier_override,
                        const ScoringConfig& config, Day as_of, bool with_reason) {
  TierDecision decision;
  decision.score_tier = TierForScore(score, config.tiers);
  Held held = ApplyHysteresis(score, decision.score_tier, previous, config, as_of, with_reason);
  decision.held_tier = held.tier;
  decision.tier = held.tier;
  decision.reason = std::move(held.reason);

  if (tier_override.has_value() && OverrideActive(*tier_override, as_of)) {
    const TierOverride& active = *tier_override;
    const bool binds = active.mode == OverrideMode::kFixed ? active.tier != decision.tier
                                                           : Better(active.tier, decision.tier);
    if (binds) {
      decision.tier = active.tier;
      decision.override_applied = true;
      if (with_reason) {
        decision.reason = OverrideText(active) + "; " + decision.reason;
      }
    }
  }

  // The below-threshold run belongs to the published tier: it continues only while that tier
  // stays the same and the score stays below its threshold.
  decision.state.tier = decision.tier;
  const std::optional<double> min_score = MinScore(decision.tier, config.tiers);
  if (min_score.has_value() && score < *min_score) {
    const bool continuing = previous.tier == decision.tier && previous.below_since != kNever;
    decision.state.below_since = continuing ? previous.below_since : as_of;
  }
  decision.changed = decision.tier != previous.tier;
  return decision;
}

}  // namespace clienttier::scoring
