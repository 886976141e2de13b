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
  // Referral cannot know a tenant's scoring config; scoring's propagation rule has no per-tenant
  // setting yet (the default applies there too), so the default is the rule.
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
