#include "services/referral/domain/profile_event_meaning.h"

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
  const std::optional<Purchase> purchase = PurchaseOf(Recorded(12'000));
  ASSERT_TRUE(purchase.has_value());
  EXPECT_EQ(purchase->client_id, "bob");
  EXPECT_EQ(purchase->transaction_id, "tx-1");
  EXPECT_EQ(purchase->amount_minor, 12'000);
  EXPECT_EQ(purchase->currency, "CNY");
  EXPECT_EQ(purchase->occurred_at, 1'700'000'000 * kMicrosPerSecond);
  EXPECT_TRUE(purchase->from_profile_stream);
}

TEST(ProfileEventMeaningTest, AFreeSessionMeansNothing) {
  EXPECT_FALSE(PurchaseOf(Recorded(0)).has_value());
  EXPECT_FALSE(PurchaseOf(Recorded(-5)).has_value());
}

TEST(ProfileEventMeaningTest, OtherEventsMeanNothing) {
  pv1::ProfileEvent erased;
  erased.mutable_client_erased()->set_client_id("bob");
  EXPECT_FALSE(PurchaseOf(erased).has_value());
  pv1::ProfileEvent created;
  created.mutable_client_created()->mutable_client()->set_client_id("bob");
  EXPECT_FALSE(PurchaseOf(created).has_value());
}

}  // namespace
}  // namespace clienttier::referral
