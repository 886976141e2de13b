// Refunds in scoring's aggregates: what a refund event changes, that it commutes with its
// purchase, and what the facts make of a partly and a fully refunded purchase.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common/time/utc_time.h"
#include "services/scoring/domain/aggregate_change.h"
#include "services/scoring/domain/aggregate_merge.h"
#include "services/scoring/domain/facts_builder.h"
#include "tests/unit/scoring/one_change.h"

namespace clienttier::scoring {
namespace {

namespace pv1 = ::clienttier::profile::v1;

constexpr Day kPurchaseDay = 20'000;
constexpr Day kRefundDay = 20'010;

pv1::ProfileEvent PurchaseEvent(const std::string& key, int64_t units, Day day,
                                pv1::TransactionKind kind = pv1::TRANSACTION_KIND_PURCHASE) {
  pv1::ProfileEvent event;
  pv1::Transaction* transaction = event.mutable_transaction_recorded()->mutable_transaction();
  transaction->set_idempotency_key(key);
  transaction->set_client_id("c1");
  transaction->set_kind(kind);
  transaction->mutable_amount()->set_units(units);
  transaction->mutable_amount()->set_currency("CNY");
  *transaction->mutable_occurred_at() = ToProtoTimestamp(day * kMicrosPerDay + 3600);
  return event;
}

pv1::ProfileEvent RefundEvent(const std::string& key, int64_t units, bool fully,
                              pv1::TransactionKind original = pv1::TRANSACTION_KIND_PURCHASE) {
  pv1::ProfileEvent event = PurchaseEvent(key, units, kRefundDay, pv1::TRANSACTION_KIND_REFUND);
  pv1::RefundedTransaction* refunded =
      event.mutable_transaction_recorded()->mutable_transaction()->mutable_refunded();
  refunded->set_idempotency_key("p1");
  refunded->set_kind(original);
  *refunded->mutable_occurred_at() = ToProtoTimestamp(kPurchaseDay * kMicrosPerDay + 3600);
  refunded->set_fully_refunded(fully);
  return event;
}

ClientFacts FactsOf(const std::vector<pv1::ProfileEvent>& events, Day as_of) {
  std::vector<AggregateChange> changes;
  for (const auto& event : events) {
    changes.push_back(OneChangeOf(event));
  }
  const MergedAggregateChanges merged = MergeAggregateChanges(changes);
  std::vector<PaidDay> days;
  for (const PaidDayDelta& delta : merged.paid_days) {
    days.push_back(
        PaidDay{delta.day, delta.currency, delta.purchases, delta.sessions, delta.spend_minor});
  }
  ActivityCounters activity;
  if (!merged.clients.empty() && merged.clients.front().last_activity_day) {
    activity.last_activity_day = *merged.clients.front().last_activity_day;
  }
  return BuildClientFacts("c1", days, activity, "CNY", as_of);
}

TEST(RefundChangeTest, ARefundTakesItsAmountOffTheOriginalsDay) {
  const AggregateChange partial = OneChangeOf(RefundEvent("r1", 400, false));
  EXPECT_EQ(partial.kind, AggregateChange::Kind::kPaidOccasion);
  EXPECT_TRUE(partial.refund);
  EXPECT_EQ(partial.day, kPurchaseDay);
  EXPECT_EQ(partial.spend_minor, -400);
  EXPECT_EQ(partial.purchases, 0);
  EXPECT_EQ(partial.sessions, 0);

  const AggregateChange full = OneChangeOf(RefundEvent("r2", 600, true));
  EXPECT_EQ(full.purchases, -1);
  EXPECT_EQ(full.sessions, 0);
  const AggregateChange session =
      OneChangeOf(RefundEvent("r3", 600, true, pv1::TRANSACTION_KIND_SESSION));
  EXPECT_EQ(session.purchases, 0);
  EXPECT_EQ(session.sessions, -1);
}

TEST(RefundChangeTest, ARefundWithoutItsOriginalChangesNothing) {
  pv1::ProfileEvent event = RefundEvent("r1", 400, false);
  event.mutable_transaction_recorded()->mutable_transaction()->clear_refunded();
  EXPECT_EQ(OneChangeOf(event).kind, AggregateChange::Kind::kNone);
}

TEST(RefundChangeTest, SpendIsNetAndAFullyRefundedPurchaseIsNoPurchaseDayInAnyOrder) {
  std::vector<pv1::ProfileEvent> events = {
      PurchaseEvent("p0", 700, kPurchaseDay - 30), PurchaseEvent("p1", 1000, kPurchaseDay),
      RefundEvent("r1", 400, false), RefundEvent("r2", 600, true),
      PurchaseEvent("p2", 500, kPurchaseDay + 5)};
  std::sort(events.begin(), events.end(), [](const auto& a, const auto& b) {
    return a.transaction_recorded().transaction().idempotency_key() <
           b.transaction_recorded().transaction().idempotency_key();
  });
  const ClientFacts expected = FactsOf(events, kRefundDay + 1);
  EXPECT_EQ(expected.spend_minor, 700 + 500);
  EXPECT_EQ(expected.purchase_count, 2);
  EXPECT_EQ(expected.purchase_days, 2);  // p1's day is no purchase day any more
  EXPECT_EQ(expected.last_purchase_day, kPurchaseDay + 5);
  EXPECT_EQ(expected.last_activity_day, kPurchaseDay + 5);  // a refund is not activity
  // Every order of the events (a replay, two consumers) gives the same facts.
  while (std::next_permutation(events.begin(), events.end(), [](const auto& a, const auto& b) {
    return a.transaction_recorded().transaction().idempotency_key() <
           b.transaction_recorded().transaction().idempotency_key();
  })) {
    const ClientFacts facts = FactsOf(events, kRefundDay + 1);
    ASSERT_EQ(facts.spend_minor, expected.spend_minor);
    ASSERT_EQ(facts.purchase_days, expected.purchase_days);
    ASSERT_EQ(facts.first_day_spend_minor, expected.first_day_spend_minor);
  }
}

TEST(RefundChangeTest, APartlyRefundedPurchaseStaysAPurchaseWithNetSpend) {
  const ClientFacts facts =
      FactsOf({PurchaseEvent("p1", 1000, kPurchaseDay), PurchaseEvent("p2", 300, kPurchaseDay + 40),
               RefundEvent("r1", 400, false)},
              kRefundDay + 60);
  EXPECT_EQ(facts.purchase_count, 2);
  EXPECT_EQ(facts.purchase_days, 2);
  EXPECT_EQ(facts.spend_minor, 600 + 300);
  EXPECT_EQ(facts.first_day_spend_minor, 600);  // Gamma-Gamma leaves out the net first day
  const ClvClient clv = ClvClientFromFacts(facts, kRefundDay + 60);
  EXPECT_DOUBLE_EQ(clv.mean_repeat_spend, 300.0);
}

}  // namespace
}  // namespace clienttier::scoring
