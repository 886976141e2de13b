#include "services/client-profile/app/activity_use_cases.h"

#include <gtest/gtest.h>

#include "common/errors/domain_error.h"
#include "services/client-profile/domain/client_rules.h"
#include "tests/support/profile/fake_activity_repository.h"
#include "tests/support/profile/fake_client_repository.h"

namespace clienttier::profile {
namespace {

using testing::FakeActivityRepository;
using testing::FakeClientRepository;

constexpr UnixMicros kNow = 1'700'000'000LL * kMicrosPerSecond;
constexpr char kTenant[] = "tenant-a";

v1::TransactionInput Purchase(const std::string& key, const std::string& client_id, int64_t units) {
  v1::TransactionInput input;
  input.set_idempotency_key(key);
  input.set_client_id(client_id);
  input.set_kind(v1::TRANSACTION_KIND_PURCHASE);
  input.mutable_amount()->set_units(units);
  input.mutable_amount()->set_currency("CNY");
  input.set_category("books");
  *input.mutable_occurred_at() = ToProtoTimestamp(kNow - kMicrosPerDay);
  return input;
}

v1::InteractionInput Login(const std::string& key, const std::string& client_id) {
  v1::InteractionInput input;
  input.set_idempotency_key(key);
  input.set_client_id(client_id);
  input.set_kind(v1::INTERACTION_KIND_LOGIN);
  *input.mutable_occurred_at() = ToProtoTimestamp(kNow - kMicrosPerDay);
  return input;
}

template <typename Input>
google::protobuf::RepeatedPtrField<Input> Batch(std::vector<Input> items) {
  google::protobuf::RepeatedPtrField<Input> batch;
  for (auto& item : items) {
    *batch.Add() = std::move(item);
  }
  return batch;
}

ErrorKind KindOf(const std::function<void()>& call) {
  try {
    call();
  } catch (const DomainError& error) {
    return error.kind();
  }
  ADD_FAILURE() << "no DomainError thrown";
  return ErrorKind::kInternal;
}

class ActivityUseCasesTest : public ::testing::Test {
 protected:
  ActivityUseCasesTest() {
    for (const char* id : {"c-1", "c-2"}) {
      v1::Client client;
      client.set_client_id(id);
      clients_.Create(kTenant, NewClient(client, kNow));
    }
  }

  FakeClientRepository clients_;
  FakeActivityRepository repository_{clients_};
  int commits_ = 0;
  ActivityUseCases activity_{repository_, [this] { ++commits_; }};
};

TEST_F(ActivityUseCasesTest, ARetriedIdempotencyKeyIsRecordedAndCountedOnce) {
  const auto batch = Batch<v1::TransactionInput>(
      {Purchase("k-1", "c-1", 100), Purchase("k-2", "c-2", 50), Purchase("k-1", "c-1", 100)});

  const RecordedBatch first = activity_.RecordTransactions(kTenant, batch);

  EXPECT_EQ(first.recorded_count, 2);
  EXPECT_EQ(first.duplicate_count, 1);
  ASSERT_EQ(first.results.size(), 3u);
  EXPECT_EQ(first.results[0].outcome(), v1::RECORD_OUTCOME_RECORDED);
  EXPECT_EQ(first.results[2].outcome(), v1::RECORD_OUTCOME_DUPLICATE);
  EXPECT_EQ(first.results[2].id(), first.results[0].id());  // the repeat names the first record
  EXPECT_EQ(first.results[1].idempotency_key(), "k-2");

  // The client retries the whole batch (say its call timed out): nothing is recorded twice.
  const RecordedBatch retry = activity_.RecordTransactions(kTenant, batch);

  EXPECT_EQ(retry.recorded_count, 0);
  EXPECT_EQ(retry.duplicate_count, 3);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(retry.results[i].id(), first.results[i].id());
  }
  const v1::ActivitySummary summary = activity_.Summary(kTenant, "c-1");
  EXPECT_EQ(summary.purchase_count(), 1);
  ASSERT_EQ(summary.total_spent_size(), 1);
  EXPECT_EQ(summary.total_spent(0).units(), 100);
  EXPECT_EQ(commits_, 2);
}

TEST_F(ActivityUseCasesTest, ASingleRecordIsRecordedThenDuplicate) {
  const v1::RecordResult first = activity_.RecordTransaction(kTenant, Purchase("k-1", "c-1", 7));
  const v1::RecordResult again = activity_.RecordTransaction(kTenant, Purchase("k-1", "c-1", 7));

  EXPECT_EQ(first.outcome(), v1::RECORD_OUTCOME_RECORDED);
  EXPECT_EQ(again.outcome(), v1::RECORD_OUTCOME_DUPLICATE);
  EXPECT_EQ(again.id(), first.id());
  EXPECT_EQ(commits_, 2);
}

TEST_F(ActivityUseCasesTest, AKeyReusedForOtherContentIsRejected) {
  activity_.RecordTransaction(kTenant, Purchase("k-1", "c-1", 100));

  EXPECT_EQ(KindOf([&] {
              activity_.RecordTransactions(
                  kTenant, Batch<v1::TransactionInput>(
                               {Purchase("k-2", "c-1", 1), Purchase("k-1", "c-1", 999)}));
            }),
            ErrorKind::kInvalid);
  EXPECT_EQ(repository_.transactions[kTenant].count("k-2"), 0u);  // all or nothing
  EXPECT_EQ(commits_, 1);
}

TEST_F(ActivityUseCasesTest, ABatchWithAnUnknownOrErasedClientRecordsNothing) {
  EXPECT_EQ(KindOf([&] {
              activity_.RecordTransactions(
                  kTenant, Batch<v1::TransactionInput>(
                               {Purchase("k-1", "c-1", 1), Purchase("k-2", "nobody", 1)}));
            }),
            ErrorKind::kNotFound);
  clients_.Erase(kTenant, "c-2", "asked", kNow);
  EXPECT_EQ(KindOf([&] {
              activity_.RecordInteractions(
                  kTenant, Batch<v1::InteractionInput>({Login("l-1", "c-1"), Login("l-2", "c-2")}));
            }),
            ErrorKind::kFailedPrecondition);

  EXPECT_TRUE(repository_.transactions[kTenant].empty());
  EXPECT_TRUE(repository_.interactions[kTenant].empty());
  EXPECT_EQ(commits_, 0);
}

TEST_F(ActivityUseCasesTest, InteractionsAreIdempotentLikeTransactions) {
  const RecordedBatch recorded = activity_.RecordInteractions(
      kTenant, Batch<v1::InteractionInput>({Login("l-1", "c-1"), Login("l-1", "c-1")}));
  EXPECT_EQ(recorded.recorded_count, 1);
  EXPECT_EQ(recorded.duplicate_count, 1);

  const v1::RecordResult again = activity_.RecordInteraction(kTenant, Login("l-1", "c-1"));
  EXPECT_EQ(again.outcome(), v1::RECORD_OUTCOME_DUPLICATE);
  EXPECT_EQ(again.id(), recorded.results[0].id());
  EXPECT_EQ(repository_.interactions[kTenant].size(), 1u);
}

TEST_F(ActivityUseCasesTest, SummaryCountsWhatWasRecordedForThatClientOnly) {
  v1::TransactionInput session = Purchase("k-3", "c-1", 0);
  session.set_kind(v1::TRANSACTION_KIND_SESSION);
  activity_.RecordTransactions(
      kTenant,
      Batch<v1::TransactionInput>({Purchase("k-1", "c-1", 100), session, Purchase("k-2", "c-1", 30),
                                   Purchase("k-4", "c-2", 9)}));
  activity_.RecordInteraction(kTenant, Login("l-1", "c-1"));

  const v1::ActivitySummary summary = activity_.Summary(kTenant, "c-1");

  EXPECT_EQ(summary.purchase_count(), 2);
  EXPECT_EQ(summary.session_count(), 1);
  ASSERT_EQ(summary.total_spent_size(), 1);
  EXPECT_EQ(summary.total_spent(0).units(), 130);
  ASSERT_EQ(summary.interactions_size(), 1);
  EXPECT_EQ(summary.interactions(0).count(), 1);
  EXPECT_EQ(activity_.Summary(kTenant, "c-2").purchase_count(), 1);
}

TEST_F(ActivityUseCasesTest, SummaryOfAnUnknownClientIsNotFound) {
  EXPECT_EQ(KindOf([&] { activity_.Summary(kTenant, "nobody"); }), ErrorKind::kNotFound);
  EXPECT_EQ(KindOf([&] { activity_.Summary("tenant-b", "c-1"); }), ErrorKind::kNotFound);
}

TEST_F(ActivityUseCasesTest, ExportResumesAfterAnIdAndStopsWhenTheSinkDoes) {
  activity_.RecordTransaction(kTenant, Purchase("k-1", "c-2", 5));
  v1::ExportClientsRequest request;
  request.set_include_transactions(true);

  std::vector<v1::ExportClientsResponse> items;
  activity_.Export(kTenant, request, [&](const v1::ExportClientsResponse& item) {
    items.push_back(item);
    return true;
  });
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1].client().client_id(), "c-2");
  EXPECT_EQ(items[1].transactions_size(), 1);

  request.set_after_client_id("c-1");
  items.clear();
  activity_.Export(kTenant, request, [&](const v1::ExportClientsResponse& item) {
    items.push_back(item);
    return true;
  });
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].client().client_id(), "c-2");

  request.clear_after_client_id();
  int seen = 0;
  activity_.Export(kTenant, request, [&](const v1::ExportClientsResponse&) {
    ++seen;
    return false;  // the caller went away
  });
  EXPECT_EQ(seen, 1);
}

}  // namespace
}  // namespace clienttier::profile
