#include <thread>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "tests/integration/client-profile/profile_fixture.h"

namespace clienttier::profile {
namespace {

using RecordsTest = ProfileFixture;

v1::ActivitySummary Summary(v1::ClientProfileService::Stub& stub, grpc::ClientContext* context,
                            const std::string& client_id) {
  v1::GetActivitySummaryRequest request;
  request.set_client_id(client_id);
  v1::ActivitySummary summary;
  EXPECT_TRUE(stub.GetActivitySummary(context, request, &summary).ok());
  return summary;
}

TEST_F(RecordsTest, ARetriedBatchDoesNotDoubleCount) {
  CreateClient("c-1", writer_a_);
  v1::RecordTransactionsRequest batch;
  for (int i = 0; i < 50; ++i) {
    *batch.add_transactions() = Transaction("tx-" + std::to_string(i), "c-1", 1000 + i);
  }
  v1::RecordTransactionsResponse first;
  ASSERT_TRUE(stub_->RecordTransactions(AsTenantA().get(), batch, &first).ok());
  EXPECT_EQ(first.recorded_count(), 50);
  v1::RecordTransactionsResponse retry;
  ASSERT_TRUE(stub_->RecordTransactions(AsTenantA().get(), batch, &retry).ok());
  EXPECT_EQ(retry.recorded_count(), 0);
  EXPECT_EQ(retry.duplicate_count(), 50);
  EXPECT_EQ(retry.results(3).id(), first.results(3).id());

  const v1::ActivitySummary summary = Summary(*stub_, AsTenantA().get(), "c-1");
  EXPECT_EQ(summary.purchase_count(), 50);
  ASSERT_EQ(summary.total_spent_size(), 1);
  EXPECT_EQ(summary.total_spent(0).units(), 50 * 1000 + 49 * 50 / 2);
  EXPECT_EQ(summary.total_spent(0).currency(), "CNY");
}

TEST_F(RecordsTest, ConcurrentRetriesRecordEachKeyOnce) {
  CreateClient("c-1", writer_a_);
  // 200: one INSERT per attempt; 600: LOAD DATA (kLoadDataMinRows is 500).
  int64_t expected = 0;
  for (const int size : {200, 600}) {
    v1::RecordTransactionsRequest batch;
    for (int i = 0; i < size; ++i) {
      *batch.add_transactions() =
          Transaction("cc-" + std::to_string(size) + "-" + std::to_string(i), "c-1", 10);
    }
    std::atomic<int> recorded{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        v1::RecordTransactionsResponse response;
        const grpc::Status status = stub_->RecordTransactions(AsTenantA().get(), batch, &response);
        EXPECT_TRUE(status.ok()) << status.error_message();
        recorded += response.recorded_count();
      });
    }
    for (auto& thread : threads) {
      thread.join();
    }
    EXPECT_EQ(recorded.load(), size);
    expected += size;
    EXPECT_EQ(Summary(*stub_, AsTenantA().get(), "c-1").purchase_count(), expected);
  }
}

TEST_F(RecordsTest, AKeyReusedWithOtherContentIsRefused) {
  CreateClient("c-1", writer_a_);
  v1::RecordTransactionRequest request;
  *request.mutable_transaction() = Transaction("k", "c-1", 100);
  v1::RecordTransactionResponse response;
  ASSERT_TRUE(stub_->RecordTransaction(AsTenantA().get(), request, &response).ok());
  request.mutable_transaction()->mutable_amount()->set_units(999);
  const grpc::Status status = stub_->RecordTransaction(AsTenantA().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "transactions[0].idempotency_key: already used for a different record");
}

TEST_F(RecordsTest, InvalidBatchesWriteNothing) {
  CreateClient("c-1", writer_a_);
  const auto expect_invalid = [&](const v1::RecordTransactionsRequest& batch,
                                  const std::string& message) {
    v1::RecordTransactionsResponse response;
    const grpc::Status status = stub_->RecordTransactions(AsTenantA().get(), batch, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << message;
    EXPECT_EQ(status.error_message(), message);
  };
  v1::RecordTransactionsRequest batch;
  *batch.add_transactions() = Transaction("ok-1", "c-1", 100);
  *batch.add_transactions() = Transaction("neg", "c-1", -1);
  expect_invalid(batch, "transactions[1].amount.units: must be from 0 to 1000000000000");
  batch.mutable_transactions(1)->mutable_amount()->set_units(INT64_MAX);
  expect_invalid(batch, "transactions[1].amount.units: must be from 0 to 1000000000000");
  batch.mutable_transactions(1)->mutable_amount()->set_units(5);
  batch.mutable_transactions(1)->mutable_amount()->set_currency("BTC");
  expect_invalid(batch, "transactions[1].amount.currency: unknown ISO 4217 code 'BTC'");
  batch.mutable_transactions(1)->mutable_amount()->set_currency("CNY");
  batch.mutable_transactions(1)->mutable_occurred_at()->set_seconds(253402300800);  // year 10000
  EXPECT_EQ(
      [&] {
        v1::RecordTransactionsResponse response;
        return stub_->RecordTransactions(AsTenantA().get(), batch, &response).error_code();
      }(),
      grpc::StatusCode::INVALID_ARGUMENT);
  batch.mutable_transactions(1)->mutable_occurred_at()->set_seconds(now_seconds_);
  batch.mutable_transactions(1)->set_kind(static_cast<v1::TransactionKind>(7));
  expect_invalid(batch, "transactions[1].kind: unknown value 7");
  batch.mutable_transactions(1)->set_kind(v1::TRANSACTION_KIND_SESSION);
  batch.mutable_transactions(1)->set_idempotency_key(std::string(129, 'k'));
  expect_invalid(batch, "transactions[1].idempotency_key: must be at most 128 characters");

  v1::RecordTransactionsRequest oversize;
  for (int i = 0; i < 1001; ++i) {
    *oversize.add_transactions() = Transaction("o-" + std::to_string(i), "c-1", 1);
  }
  expect_invalid(oversize, "transactions: at most 1000 items per batch");

  // A batch naming an unknown client fails whole: the valid first item is not kept either.
  v1::RecordTransactionsRequest unknown;
  *unknown.add_transactions() = Transaction("ok-2", "c-1", 100);
  *unknown.add_transactions() = Transaction("ghost", "nobody", 100);
  v1::RecordTransactionsResponse response;
  EXPECT_EQ(stub_->RecordTransactions(AsTenantA().get(), unknown, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);

  EXPECT_EQ(Summary(*stub_, AsTenantA().get(), "c-1").purchase_count(), 0);
}

TEST_F(RecordsTest, InteractionsAndSummary) {
  CreateClient("c-1", writer_a_);
  v1::RecordInteractionsRequest batch;
  for (int i = 0; i < 3; ++i) {
    auto* item = batch.add_interactions();
    item->set_idempotency_key("i-" + std::to_string(i));
    item->set_client_id("c-1");
    item->set_kind(i == 2 ? v1::INTERACTION_KIND_SHARE : v1::INTERACTION_KIND_LOGIN);
    item->mutable_occurred_at()->set_seconds(now_seconds_ - 100 + i);
  }
  v1::RecordInteractionsResponse response;
  ASSERT_TRUE(stub_->RecordInteractions(AsTenantA().get(), batch, &response).ok());
  EXPECT_EQ(response.recorded_count(), 3);
  ASSERT_TRUE(stub_->RecordInteractions(AsTenantA().get(), batch, &response).ok());
  EXPECT_EQ(response.duplicate_count(), 3);

  const v1::ActivitySummary summary = Summary(*stub_, AsTenantA().get(), "c-1");
  ASSERT_EQ(summary.interactions_size(), 2);
  EXPECT_EQ(summary.interactions(0).kind(), v1::INTERACTION_KIND_LOGIN);
  EXPECT_EQ(summary.interactions(0).count(), 2);
  EXPECT_EQ(summary.last_activity_at().seconds(), now_seconds_ - 98);
  EXPECT_FALSE(summary.has_first_transaction_at());
}

TEST_F(RecordsTest, EveryChangeReachesTheStreamOnceWithOneEventPerClientPerBatch) {
  RedisClient redis(testing::RedisFromEnv(), nullptr);
  CreateClient("c-1", writer_a_);
  CreateClient("c-2", writer_a_);
  v1::RecordTransactionsRequest batch;
  *batch.add_transactions() = Transaction("e-1", "c-1", 100);
  *batch.add_transactions() = Transaction("e-2", "c-2", 300);
  *batch.add_transactions() = Transaction("e-3", "c-1", 200);
  v1::RecordTransactionsResponse response;
  ASSERT_TRUE(stub_->RecordTransactions(AsTenantA().get(), batch, &response).ok());
  ASSERT_TRUE(stub_->RecordTransactions(AsTenantA().get(), batch, &response).ok());  // retry
  EXPECT_EQ(response.duplicate_count(), 3);

  WaitForEvents(tenant_a_, 4, redis);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // would a duplicate follow?
  const auto settled = EventsOf(tenant_a_, redis);
  ASSERT_EQ(settled.size(), 4u);
  EXPECT_EQ(settled[0].fields.at("type"), "client_created");
  EXPECT_EQ(settled[1].fields.at("type"), "client_created");
  // One event per client of the batch, in the order of each client's first transaction, each
  // with the client's transactions in request order.
  std::vector<v1::ProfileEvent> recorded(2);
  for (size_t i = 0; i < recorded.size(); ++i) {
    EXPECT_EQ(settled[2 + i].fields.at("type"), "transactions_recorded");
    ASSERT_TRUE(recorded[i].ParseFromString(settled[2 + i].fields.at("payload")));
    EXPECT_EQ(recorded[i].tenant_id(), tenant_a_);
    EXPECT_EQ(recorded[i].event_id(), settled[2 + i].fields.at("event_id"));
  }
  const v1::TransactionsRecorded& first = recorded[0].transactions_recorded();
  EXPECT_EQ(first.client_id(), "c-1");
  ASSERT_EQ(first.transactions_size(), 2);
  EXPECT_EQ(first.transactions(0).amount().units(), 100);
  EXPECT_EQ(first.transactions(0).idempotency_key(), "e-1");
  EXPECT_EQ(first.transactions(1).amount().units(), 200);
  EXPECT_EQ(first.transactions(1).client_id(), "c-1");
  const v1::TransactionsRecorded& second = recorded[1].transactions_recorded();
  EXPECT_EQ(second.client_id(), "c-2");
  ASSERT_EQ(second.transactions_size(), 1);
  EXPECT_EQ(second.transactions(0).amount().units(), 300);
  EXPECT_EQ(second.transactions(0).transaction_id(), response.results(1).id());
}

// From kLoadDataMinRows records on, a batch is stored with LOAD DATA and its first attempt
// does not look its keys up: a retry, an overlap with stored keys and a reused key must come out
// as they do for a small batch, and what was stored must read back as what was sent.
TEST_F(RecordsTest, ALargeBatchIsStoredAsSentAndItsRetryAndOverlapAreDuplicates) {
  CreateClient("c-1", writer_a_);
  CreateClient("c-2", writer_a_);
  constexpr int kLarge = 600;  // above kLoadDataMinRows (500)
  // Details a field format could garble: a backslash, LOAD DATA's NULL marker as text, quotes,
  // multi-byte UTF-8, an empty one.
  const std::vector<std::string> details = {"a\\b", "\\N", "it's \"quoted\"", "ünï 😀", ""};
  v1::RecordInteractionsRequest interactions;
  for (int i = 0; i < kLarge; ++i) {
    auto* item = interactions.add_interactions();
    item->set_idempotency_key("li-" + std::to_string(i));
    item->set_client_id(i % 2 == 0 ? "c-1" : "c-2");
    item->set_kind(v1::INTERACTION_KIND_LOGIN);
    item->mutable_occurred_at()->set_seconds(now_seconds_ - 1000 + i);
    item->mutable_occurred_at()->set_nanos(123456000);
    item->set_detail(details[static_cast<size_t>(i) % details.size()]);
  }
  v1::RecordInteractionsResponse first;
  ASSERT_TRUE(stub_->RecordInteractions(AsTenantA().get(), interactions, &first).ok());
  EXPECT_EQ(first.recorded_count(), kLarge);
  // The retry compares every stored row with the one sent (kind, time to the microsecond,
  // detail): a garbled field would make it INVALID_ARGUMENT.
  v1::RecordInteractionsResponse retry;
  const grpc::Status retried = stub_->RecordInteractions(AsTenantA().get(), interactions, &retry);
  ASSERT_TRUE(retried.ok()) << retried.error_message();
  EXPECT_EQ(retry.duplicate_count(), kLarge);
  EXPECT_EQ(retry.results(kLarge - 1).id(), first.results(kLarge - 1).id());
  EXPECT_EQ(Summary(*stub_, AsTenantA().get(), "c-1").interactions(0).count(), kLarge / 2);

  // Half of a large batch stored before (as a small batch would be): the other half is recorded.
  v1::RecordTransactionsRequest half;
  v1::RecordTransactionsRequest large;
  for (int i = 0; i < kLarge; ++i) {
    v1::TransactionInput input = Transaction("lt-" + std::to_string(i), "c-1", 100 + i);
    input.mutable_occurred_at()->set_nanos(654321000);
    if (i < kLarge / 2) {
      *half.add_transactions() = input;
    }
    *large.add_transactions() = input;
  }
  v1::RecordTransactionsResponse response;
  ASSERT_TRUE(stub_->RecordTransactions(AsTenantA().get(), half, &response).ok());
  const std::string first_id = response.results(0).id();
  const grpc::Status overlapped = stub_->RecordTransactions(AsTenantA().get(), large, &response);
  ASSERT_TRUE(overlapped.ok()) << overlapped.error_message();
  EXPECT_EQ(response.duplicate_count(), kLarge / 2);
  EXPECT_EQ(response.recorded_count(), kLarge / 2);
  EXPECT_EQ(response.results(0).outcome(), v1::RECORD_OUTCOME_DUPLICATE);
  EXPECT_EQ(response.results(0).id(), first_id);
  EXPECT_EQ(response.results(kLarge - 1).outcome(), v1::RECORD_OUTCOME_RECORDED);
  v1::ActivitySummary summary = Summary(*stub_, AsTenantA().get(), "c-1");
  EXPECT_EQ(summary.purchase_count(), kLarge);
  ASSERT_EQ(summary.total_spent_size(), 1);
  EXPECT_EQ(summary.total_spent(0).units(), 100 * kLarge + kLarge * (kLarge - 1) / 2);

  // A large batch reusing a stored key with other content is refused and writes nothing.
  v1::RecordTransactionsRequest reused;
  for (int i = 0; i < kLarge; ++i) {
    *reused.add_transactions() = Transaction("lr-" + std::to_string(i), "c-2", 7);
  }
  reused.mutable_transactions(kLarge - 1)->set_idempotency_key("lt-0");
  const grpc::Status refused = stub_->RecordTransactions(AsTenantA().get(), reused, &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(refused.error_message(), "transactions[" + std::to_string(kLarge - 1) +
                                         "].idempotency_key: already used for a different record");
  EXPECT_EQ(Summary(*stub_, AsTenantA().get(), "c-2").purchase_count(), 0);
}

}  // namespace
}  // namespace clienttier::profile
