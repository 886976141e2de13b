#include "services/referral/domain/profile_event_meaning.h"

#include <utility>

namespace clienttier::referral {

namespace pv1 = ::clienttier::profile::v1;

namespace {

void AddPurchase(const pv1::Transaction& transaction, std::vector<Purchase>* purchases) {
  if (transaction.kind() == pv1::TRANSACTION_KIND_REFUND) {
    return;  // money given back for an earlier purchase is not a paid occasion (profile API)
  }
  if (transaction.amount().units() <= 0) {
    return;  // a free session neither converts nor makes a paying client
  }
  Purchase purchase;
  purchase.client_id = transaction.client_id();
  purchase.transaction_id = transaction.transaction_id();
  purchase.amount_minor = transaction.amount().units();
  purchase.currency = transaction.amount().currency();
  purchase.occurred_at = FromProtoTimestamp(transaction.occurred_at());
  purchase.from_profile_stream = true;
  purchases->push_back(std::move(purchase));
}

}  // namespace

std::vector<Purchase> PurchasesOf(const pv1::ProfileEvent& event) {
  std::vector<Purchase> purchases;
  if (event.has_transaction_recorded()) {
    AddPurchase(event.transaction_recorded().transaction(), &purchases);
  } else if (event.has_transactions_recorded()) {
    for (const pv1::Transaction& transaction : event.transactions_recorded().transactions()) {
      AddPurchase(transaction, &purchases);
    }
  }
  return purchases;  // only paid occasions matter to referrals
}

}  // namespace clienttier::referral
