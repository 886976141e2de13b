#pragma once

#include <optional>
#include <string>

#include "services/scoring/domain/client_facts.h"
#include "services/scoring/domain/scoring_config.h"

namespace clienttier::scoring {

enum class Tier {
  kUnspecified = 0,  // never tiered
  kT1 = 1,           // top
  kT2 = 2,
  kT3 = 3,
};
// "T1", "T2", "T3" ("unspecified"): upper case because the segment language and the tier
// history already spell them so (DESIGN.md: tier in ("T1","T2")).
const char* Name(Tier tier);

// What tiering remembers about a client between scorings. tier is the published tier (after
// any override); below_since is the first day of the current unbroken run of scores below that
// tier's threshold, kNever when the score is at or above it (or the tier is T3).
struct TierState {
  Tier tier = Tier::kUnspecified;
  Day below_since = kNever;
};

enum class OverrideMode {
  kUnspecified = 0,
  kFloor = 1,  // at least this tier; a better score still shows
  kFixed = 2,  // exactly this tier
};
const char* Name(OverrideMode mode);

// A manual decision by a person. Active on days <= expires_day; kNever means no expiry.
struct TierOverride {
  OverrideMode mode = OverrideMode::kUnspecified;
  Tier tier = Tier::kUnspecified;
  Day expires_day = kNever;
};
bool OverrideActive(const TierOverride& tier_override, Day as_of);

// The tier the score alone earns: >= t1_min_score T1, >= t2_min_score T2, else T3.
Tier TierForScore(double score, const TierConfig& thresholds);

struct TierDecision {
  Tier tier = Tier::kUnspecified;        // published: after hysteresis and override
  Tier score_tier = Tier::kUnspecified;  // what the score alone earns
  Tier held_tier = Tier::kUnspecified;   // after hysteresis, before the override
  TierState state;                       // store it and pass it back next time
  bool changed = false;                  // tier != previous.tier
  bool override_applied = false;         // an active override decided the tier
  std::string reason;
};

// Promotion is immediate. A demotion (to the tier the score earns, possibly two steps) happens
// only when the score is strictly below the held tier's threshold minus
// tiers.demotion_margin, or has been below the threshold for at least tiers.demotion_grace_days
// days (as_of - below_since >= demotion_grace_days); otherwise the tier is held.
// An active override is applied last and named in the reason.
// `with_reason` false skips formatting TierDecision::reason (left empty).
TierDecision DecideTier(double score, const TierState& previous,
                        const std::optional<TierOverride>& tier_override,
                        const ScoringConfig& config, Day as_of, bool with_reason = true);

}  // namespace clienttier::scoring
