#pragma once

#include <cstdint>
#include <optional>

#include "services/scoring/domain/client_facts.h"
#include "services/scoring/domain/scoring_config.h"

namespace clienttier::scoring {

enum class LifecycleStage {
  kUnspecified = 0,
  kProspect = 1,
  kOnboarding = 2,
  kGrowth = 3,
  kMature = 4,
  kDormant = 5,
  kChurned = 6,
};
const char* Name(LifecycleStage stage);

// The last day the client did anything scoring sees: a transaction, an interaction or a login.
// kNever when there is none.
Day LastActiveDay(const ClientFacts& facts);
// When the relationship began: the acquisition day the organisation gave (issue 17 part 1), or
// the first activity (transaction or interaction) when that is earlier or the day was not
// given. kNever: none of them.
Day RelationshipStartDay(const ClientFacts& facts);
// as_of - LastActiveDay; -1 when the client was never active.
int64_t InactiveDays(const ClientFacts& facts, Day as_of);

// First match wins:
//   prospect:   no purchase (a prospect cannot lapse; it never started)
//   churned:    inactive >= churned_days, or P(alive) known and < churned_p_alive
//   dormant:    inactive >= dormant_days
//   onboarding: as_of < RelationshipStartDay + onboarding_months calendar months
//   mature:     as_of > RelationshipStartDay + growth_months calendar months
//   growth:     otherwise (exactly 3 months and exactly 12 months are growth)
LifecycleStage ClassifyLifecycle(const ClientFacts& facts, std::optional<double> p_alive,
                                 const LifecycleConfig& config, Day as_of);

}  // namespace clienttier::scoring
