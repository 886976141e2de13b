#include "services/scoring/domain/churn_warning.h"

#include "services/scoring/domain/reason_text.h"

namespace clienttier::scoring {

ChurnWarning EvaluateChurnWarning(Tier tier, std::optional<double> p_alive, int64_t inactive_days,
                                  const ChurnWarningConfig& config) {
  ChurnWarning warning;
  if (tier != Tier::kT1 && tier != Tier::kT2) {
    return warning;
  }
  std::string conditions;
  if (p_alive.has_value() && *p_alive < config.p_alive_below) {
    conditions =
        "p_alive " + FormatProbability(*p_alive) + " < " + FormatProbability(config.p_alive_below);
  }
  if (inactive_days >= 0 && inactive_days >= config.inactive_days) {
    if (!conditions.empty()) {
      conditions += "; ";
    }
    conditions += "inactive " + std::to_string(inactive_days) +
                  " days >= " + std::to_string(config.inactive_days);
  }
  if (!conditions.empty()) {
    warning.warned = true;
    warning.reason = std::string(Name(tier)) + " client: " + conditions;
  }
  return warning;
}

}  // namespace clienttier::scoring
