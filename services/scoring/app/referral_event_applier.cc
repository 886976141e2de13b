#include "services/scoring/app/referral_event_applier.h"

#include <map>
#include <optional>
#include <set>
#include <string>

#include "common/errors/domain_error.h"
#include "services/scoring/domain/referral_change.h"

namespace clienttier::scoring {

namespace rv1 = ::clienttier::referral::v1;

namespace {

// The clients whose propagation an event changes: both sides of the referral (the referee's
// own score does not depend on it today, but rescoring it keeps the pair consistent if a rule
// ever does; it costs one row). Rewards change no count.
const rv1::Referral* ReferralOf(const rv1::ReferralEvent& event) {
  switch (event.payload_case()) {
    case rv1::ReferralEvent::kReferralRegistered:
      return &event.referral_registered().referral();
    case rv1::ReferralEvent::kReferralConverted:
      return &event.referral_converted().referral();
    default:
      return nullptr;
  }
}

}  // namespace

int ReferralEventApplier::Apply(const std::vector<rv1::ReferralEvent>& events) {
  const int applied = static_cast<int>(events.size());
  std::map<std::string, std::set<std::string>> touched;  // tenant -> clients
  // tenant -> referral id -> its dates, the events of one referral merged into one row
  std::map<std::string, std::map<std::string, DatedReferral>> dated;
  for (const rv1::ReferralEvent& event : events) {
    if (const std::optional<DatedReferral> referral = DatedReferralOf(event)) {
      auto [row, inserted] = dated[event.tenant_id()].emplace(referral->referral_id, *referral);
      if (!inserted) {
        row->second = MergeDatedReferrals(row->second, *referral);
      }
    }
    const rv1::Referral* referral = ReferralOf(event);
    if (referral == nullptr || source_ == nullptr) {
      continue;  // without a source, today's stored counts stay: nothing to rescore with
    }
    for (const std::string& client_id :
         {referral->referrer_client_id(), referral->referee_client_id()}) {
      if (!client_id.empty()) {
        touched[event.tenant_id()].insert(client_id);
      }
    }
  }
  std::set<std::string> tenants;
  for (const auto& [tenant_id, referrals] : dated) {
    tenants.insert(tenant_id);
  }
  for (const auto& [tenant_id, clients] : touched) {
    tenants.insert(tenant_id);
  }
  for (const std::string& tenant_id : tenants) {
    std::vector<DatedReferral> referrals;
    for (const auto& [referral_id, referral] : dated[tenant_id]) {
      referrals.push_back(referral);
    }
    const std::set<std::string>& client_set = touched[tenant_id];
    const std::vector<std::string> clients(client_set.begin(), client_set.end());
    std::optional<ReferralCountsById> counts;
    if (!clients.empty()) {
      // Outside the transaction: no row lock waits on another service.
      counts = source_->Fetch(tenant_id, clients);
      if (!counts) {
        throw Unavailable("referral did not answer for propagation counts; retried later");
      }
    }
    const UnixMicros now = clock_.Now();
    transactions_.InTransaction([&](Transaction& transaction) {
      aggregates_.RecordReferrals(transaction, tenant_id, referrals);
      if (clients.empty()) {
        return;
      }
      // RescoreMany locks the score rows before it reads any facts: a profile consumer applying
      // these clients' purchases now is waited for, not overwritten with older facts (seen in
      // the demo before that: 1 of 50 clients stale).
      rescorer_.RescoreMany(transaction, calculator_.LoadContext(transaction, tenant_id, now, true),
                            tenant_id, clients, now, &*counts);
    });
    if (!clients.empty()) {
      cache_.Invalidate(tenant_id, clients);
    }
  }
  return applied;
}

}  // namespace clienttier::scoring
