#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "services/scoring/domain/scoring_config.h"
#include "services/scoring/domain/tiering.h"

namespace clienttier::scoring {

struct ChurnWarning {
  bool warned = false;
  std::string reason;  // empty when not warned
};

// Only T1/T2 clients are worth personal outreach. Warned when P(alive) is known and strictly
// below p_alive_below, or inactive_days >= config.inactive_days (a negative inactive_days
// means never active and does not count); the reason names every condition that held.
ChurnWarning EvaluateChurnWarning(Tier tier, std::optional<double> p_alive, int64_t inactive_days,
                                  const ChurnWarningConfig& config);

}  // namespace clienttier::scoring
