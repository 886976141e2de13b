#include "services/client-profile/domain/activity_summary.h"

#include <gtest/gtest.h>

namespace clienttier::profile {
namespace {

constexpr UnixMicros kDay = kMicrosPerDay;
constexpr UnixMicros kT0 = 1'700'000'000LL * kMicrosPerSecond;

TransactionGroup Group(v1::TransactionKind kind, const std::string& currency,
                       const std::string& category, int64_t count, int64_t spent,
                       UnixMicros first_at, UnixMicros last_at) {
  TransactionGroup group;
  group.kind = kind;
  group.currency = currency;
  group.category = category;
  group.count = count;
  group.spent_units = spent;
  group.first_at = first_at;
  group.last_at = last_at;
  return group;
}

TEST(ActivitySummaryTest, NoActivityLeavesEverythingUnset) {
  const v1::ActivitySummary summary = SummarizeActivity("c-1", {}, {});
  EXPECT_EQ(summary.client_id(), "c-1");
  EXPECT_EQ(summary.purchase_count(), 0);
  EXPECT_EQ(summary.session_count(), 0);
  EXPECT_EQ(summary.total_spent_size(), 0);
  EXPECT_FALSE(summary.has_first_transaction_at());
  EXPECT_FALSE(summary.has_last_activity_at());
}

TEST(ActivitySummaryTest, SumsSpendPerCurrencyAndPerCategoryAcrossKinds) {
  // Purchases and sessions of one (currency, category) are separate groups; the report merges
  // them per category and per currency, and counts the kinds apart.
  const std::vector<TransactionGroup> groups = {
      Group(v1::TRANSACTION_KIND_PURCHASE, "CNY", "books", 2, 300, kT0 + 2 * kDay, kT0 + 5 * kDay),
      Group(v1::TRANSACTION_KIND_SESSION, "CNY", "books", 3, 0, kT0 + 1 * kDay, kT0 + 3 * kDay),
      Group(v1::TRANSACTION_KIND_PURCHASE, "CNY", "toys", 1, 50, kT0 + 4 * kDay, kT0 + 4 * kDay),
      Group(v1::TRANSACTION_KIND_PURCHASE, "USD", "books", 1, 20, kT0 + 6 * kDay, kT0 + 6 * kDay)};

  const v1::ActivitySummary summary = SummarizeActivity("c-1", groups, {});

  EXPECT_EQ(summary.purchase_count(), 4);
  EXPECT_EQ(summary.session_count(), 3);
  ASSERT_EQ(summary.total_spent_size(), 2);
  EXPECT_EQ(summary.total_spent(0).currency(), "CNY");
  EXPECT_EQ(summary.total_spent(0).units(), 350);
  EXPECT_EQ(summary.total_spent(1).currency(), "USD");
  EXPECT_EQ(summary.total_spent(1).units(), 20);
  ASSERT_EQ(summary.categories_size(), 3);
  EXPECT_EQ(summary.categories(0).category(), "books");
  EXPECT_EQ(summary.categories(0).spent().currency(), "CNY");
  EXPECT_EQ(summary.categories(0).count(), 5);
  EXPECT_EQ(summary.categories(0).spent().units(), 300);
  EXPECT_EQ(summary.categories(1).category(), "toys");
  EXPECT_EQ(summary.categories(2).spent().currency(), "USD");
  EXPECT_EQ(FromProtoTimestamp(summary.first_transaction_at()), kT0 + 1 * kDay);
  EXPECT_EQ(FromProtoTimestamp(summary.last_transaction_at()), kT0 + 6 * kDay);
  EXPECT_EQ(FromProtoTimestamp(summary.last_activity_at()), kT0 + 6 * kDay);
}

TEST(ActivitySummaryTest, LastActivityIsTheLatestTransactionOrInteraction) {
  InteractionGroup logins;
  logins.kind = v1::INTERACTION_KIND_LOGIN;
  logins.count = 4;
  logins.last_at = kT0 + 9 * kDay;
  InteractionGroup shares;
  shares.kind = v1::INTERACTION_KIND_SHARE;
  shares.count = 1;
  shares.last_at = kT0 + 2 * kDay;
  const std::vector<TransactionGroup> groups = {
      Group(v1::TRANSACTION_KIND_PURCHASE, "CNY", "books", 1, 10, kT0 + 3 * kDay, kT0 + 3 * kDay)};

  const v1::ActivitySummary later = SummarizeActivity("c-1", groups, {logins, shares});
  ASSERT_EQ(later.interactions_size(), 2);
  EXPECT_EQ(later.interactions(0).kind(), v1::INTERACTION_KIND_LOGIN);
  EXPECT_EQ(later.interactions(0).count(), 4);
  EXPECT_EQ(FromProtoTimestamp(later.interactions(1).last_at()), kT0 + 2 * kDay);
  EXPECT_EQ(FromProtoTimestamp(later.last_activity_at()), kT0 + 9 * kDay);
  EXPECT_EQ(FromProtoTimestamp(later.last_transaction_at()), kT0 + 3 * kDay);

  // Interactions only: no transaction times, but a last activity.
  const v1::ActivitySummary only = SummarizeActivity("c-1", {}, {shares});
  EXPECT_FALSE(only.has_first_transaction_at());
  EXPECT_EQ(FromProtoTimestamp(only.last_activity_at()), kT0 + 2 * kDay);
}

}  // namespace
}  // namespace clienttier::profile
