#include "services/referral/domain/profile_event_meaning.h"

namespace clienttier::referral {

namespace pv1 = ::clienttier::profile::v1;

std::optional<Purchase> PurchaseOf(const pv1::ProfileEvent& event) {
  if (event.payload_case() != pv1::ProfileEvent::kTransactionRecorded) {
    return std::nullopt;  // only paid occasions matter to referrals
  }
  const pv1::Transaction& transaction = event.transaction_recorded().transaction();
  if (transaction.amount().units() <= 0) {
    return std::nullopt;  // a free session neither converts nor makes a paying client
  }
  Purchase purchase;
  purchase.client_id = transaction.client_id();
  purchase.transaction_id = transaction.transaction_id();
  purchase.amount_minor = transaction.amount().units();
  purchase.currency = transaction.amount().currency();
  purchase.occurred_at = FromProtoTimestamp(transaction.occurred_at());
  purchase.from_profile_stream = true;
  return purchase;
}

}  // namespace clienttier::referral
