#include "services/referral/domain/profile_event_meaning.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace clienttier::referral {
namespace {

namespace pv1 = ::clienttier::profile::v1;

pv1::ProfileEvent Recorded(int64_t units) {
  pv1::ProfileEvent event;
  event.set_event_id("e-1");
  event.set_tenant_id("t-1");
  pv1::Transaction* transaction = event.mutable_transaction_recorded()->mutable_transaction();
  transaction->set_transaction_id("tx-1");
  transaction->set_client_id("bob");
  transaction->mutable_amount()->set_units(units);
  transaction->mutable_amount()->set_currency("CNY");
  transaction->mutable_occurred_at()->set_seconds(1'700'000'000);
  return event;
}

TEST(ProfileEventMeaningTest, APaidTransactionIsAPurchaseFromTheStream) {
  const std::vector<Purchase> purchases = PurchasesOf(Recorded(12'000));
  ASSERT_EQ(purchases.size(), 1u);
  const Purchase* purchase = &purchases[0];
  EXPECT_EQ(purchase->client_id, "bob");
  EXPECT_EQ(purchase->transaction_id, "tx-1");
  EXPECT_EQ(purchase->amount_minor, 12'000);
  EXPECT_EQ(purchase->currency, "CNY");
  EXPECT_EQ(purchase->occurred_at, 1'700'000'000 * kMicrosPerSecond);
  EXPECT_TRUE(purchase->from_profile_stream);
}

TEST(ProfileEventMeaningTest, AFreeSessionMeansNothing) {
  EXPECT_TRUE(PurchasesOf(Recorded(0)).empty());
  EXPECT_TRUE(PurchasesOf(Recorded(-5)).empty());
}

TEST(ProfileEventMeaningTest, AClientsRecordedBatchIsItsPaidTransactionsInOrder) {
  pv1::ProfileEvent event;
  event.set_event_id("e-2");
  event.set_tenant_id("t-1");
  pv1::TransactionsRecorded* recorded = event.mutable_transactions_recorded();
  recorded->set_client_id("bob");
  const auto add = [&](const std::string& id, pv1::TransactionKind kind, int64_t units) {
    pv1::Transaction* transaction = recorded->add_transactions();
    transaction->set_transaction_id(id);
    transaction->set_client_id("bob");
    transaction->set_kind(kind);
    transaction->mutable_amount()->set_units(units);
    transaction->mutable_amount()->set_currency("CNY");
  };
  add("tx-1", pv1::TRANSACTION_KIND_PURCHASE, 30'000);
  add("tx-2", pv1::TRANSACTION_KIND_SESSION, 0);      // free: not paid
  add("tx-3", pv1::TRANSACTION_KIND_REFUND, 10'000);  // money back: not a paid occasion
  add("tx-4", pv1::TRANSACTION_KIND_SESSION, 8'000);
  const std::vector<Purchase> purchases = PurchasesOf(event);
  ASSERT_EQ(purchases.size(), 2u);
  EXPECT_EQ(purchases[0].transaction_id, "tx-1");
  EXPECT_EQ(purchases[0].amount_minor, 30'000);
  EXPECT_EQ(purchases[1].transaction_id, "tx-4");
  EXPECT_EQ(purchases[1].client_id, "bob");
  EXPECT_TRUE(purchases[1].from_profile_stream);
}

TEST(ProfileEventMeaningTest, ARefundIsNoPurchase) {
  pv1::ProfileEvent event = Recorded(5'000);
  event.mutable_transaction_recorded()->mutable_transaction()->set_kind(
      pv1::TRANSACTION_KIND_REFUND);
  EXPECT_TRUE(PurchasesOf(event).empty());
}

TEST(ProfileEventMeaningTest, OtherEventsMeanNothing) {
  pv1::ProfileEvent erased;
  erased.mutable_client_erased()->set_client_id("bob");
  EXPECT_TRUE(PurchasesOf(erased).empty());
  pv1::ProfileEvent created;
  created.mutable_client_created()->mutable_client()->set_client_id("bob");
  EXPECT_TRUE(PurchasesOf(created).empty());
}

}  // namespace
}  // namespace clienttier::referral
