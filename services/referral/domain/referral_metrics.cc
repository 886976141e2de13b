#include "services/referral/domain/referral_metrics.h"

#include <algorithm>
#include <cmath>

namespace clienttier::referral {

namespace {
constexpr double kHalfSaturationPoints = 20.0;
}  // namespace

PropagationTier ClassifyPropagation(const ReferrerCounts& counts) {
  if (counts.converted >= kSpreaderMinConverted) {
    return PropagationTier::kSpreader;
  }
  if (counts.registered > 0 || counts.converted > 0) {
    return PropagationTier::kContributor;
  }
  if (counts.has_code || counts.invitations_sent > 0) {
    return PropagationTier::kParticipant;
  }
  return PropagationTier::kSilent;
}

int PropagationIndex(const ReferrerCounts& counts) {
  const double points = 10.0 * static_cast<double>(std::max<int64_t>(counts.converted, 0)) +
                        3.0 * static_cast<double>(std::max<int64_t>(counts.registered, 0)) +
                        static_cast<double>(std::max<int64_t>(counts.invitations_sent, 0));
  return static_cast<int>(std::lround(100.0 * points / (points + kHalfSaturationPoints)));
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
