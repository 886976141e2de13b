#include "services/referral/domain/referral_metrics.h"

#include <algorithm>
#include <cmath>

#include "services/scoring/domain/propagation.h"

namespace clienttier::referral {

PropagationView ViewPropagation(const ReferrerCounts& counts) {
  const scoring::PropagationSignals signals = scoring::SignalsFromReferralCounts(
      counts.invitations_sent, counts.registered, counts.converted);
  PropagationView view;
  view.index = static_cast<int>(std::lround(scoring::PropagationIndex(signals)));
  // Referral does not know a tenant's scoring config (asking scoring would make the two services
  // call each other), so it applies the default threshold; a tenant that sets its own
  // propagation.spreader_min_converted sees its tier in scoring's Score.
  view.tier = static_cast<int>(scoring::ClassifyPropagation(signals, scoring::PropagationConfig{}));
  return view;
}

double ConversionRate(int64_t registered, int64_t converted) {
  if (registered <= 0) {
    return 0.0;
  }
  return static_cast<double>(converted) / static_cast<double>(registered);
}

double TenantKFactor(int64_t converted, int64_t paying_clients) {
  if (paying_clients <= 0) {
    return 0.0;
  }
  return static_cast<double>(converted) / static_cast<double>(paying_clients);
}

}  // namespace clienttier::referral
