#include "services/referral/app/invitations.h"

namespace clienttier::referral {

Invitations::Invitations(TransactionRunner& transactions, InvitationKeys& keys,
                         ReferralRepository& referrals, const Clock& clock)
    : transactions_(transactions), keys_(keys), referrals_(referrals), clock_(clock) {}

v1::RecordInvitationsResponse Invitations::Record(const std::string& tenant_id,
                                                  const std::string& client_id, int64_t count,
                                                  const std::string& idempotency_key) {
  v1::RecordInvitationsResponse response;
  transactions_.InTransaction([&](Transaction& transaction) {
    const UnixMicros now = clock_.Now();
    // Scoped by tenant, so two tenants' keys never collide.
    const bool fresh =
        keys_.Record(transaction, "inv:" + tenant_id + ":" + idempotency_key, tenant_id, now);
    response.set_duplicate(!fresh);
    response.set_invitations_sent(
        referrals_.AddInvitations(transaction, tenant_id, client_id, fresh ? count : 0));
  });
  return response;
}

}  // namespace clienttier::referral
