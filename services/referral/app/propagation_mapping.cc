#include "services/referral/app/propagation_mapping.h"

#include "services/referral/domain/referral_metrics.h"

namespace clienttier::referral {

common::v1::Money Money(int64_t units, const std::string& currency) {
  common::v1::Money money;
  money.set_units(units);
  money.set_currency(currency);
  return money;
}

v1::Propagation ToPropagation(const std::string& client_id, const ClientRow* row,
                              const std::string& currency) {
  v1::Propagation propagation;
  propagation.set_client_id(client_id);
  ReferrerCounts counts;
  int64_t revenue = 0;
  if (row != nullptr) {
    counts = row->counts;
    revenue = row->referred_revenue_minor;
  }
  const PropagationView view = ViewPropagation(counts);
  propagation.set_index(view.index);
  propagation.set_tier(static_cast<v1::PropagationTier>(view.tier));
  propagation.set_invitations_sent(counts.invitations_sent);
  propagation.set_registered(counts.registered);
  propagation.set_converted(counts.converted);
  *propagation.mutable_referred_revenue() = Money(revenue, currency);
  return propagation;
}

}  // namespace clienttier::referral
