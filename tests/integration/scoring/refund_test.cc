// Issue 17 part 4 on the real stack: refunds recorded through client-profile's RPCs reach
// scoring's aggregates net, idempotently, and a fully refunded purchase is no purchase day.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/scoring/scoring_fixture.h"

namespace clienttier::scoring {
namespace {

class RefundIntegrationTest : public ScoringFixture {
 protected:
  grpc::Status Refund(const std::string& key, const std::string& of, int64_t units, int days_ago,
                      pv1::RecordTransactionResponse* response) {
    pv1::RecordTransactionRequest request;
    auto* input = request.mutable_transaction();
    input->set_idempotency_key(key);
    input->set_client_id("c1");
    input->set_kind(pv1::TRANSACTION_KIND_REFUND);
    input->set_refunded_idempotency_key(of);
    input->mutable_amount()->set_units(units);
    input->mutable_amount()->set_currency("CNY");
    input->mutable_occurred_at()->set_seconds(now_seconds_ - int64_t{86400} * days_ago);
    return profile_stub_->RecordTransaction(Context(writer_a_).get(), request, response);
  }
};

TEST_F(RefundIntegrationTest, RefundsAreNetIdempotentAndBoundedByWhatIsLeft) {
  CreateClient("c1", writer_a_);
  RecordPurchase("p1", "c1", 10000, 40, writer_a_);
  RecordPurchase("p2", "c1", 3000, 20, writer_a_);
  WaitForScore("c1", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 2; });

  pv1::RecordTransactionResponse response;
  ASSERT_TRUE(Refund("r1", "p1", 4000, 30, &response).ok());
  EXPECT_EQ(response.result().outcome(), pv1::RECORD_OUTCOME_RECORDED);
  // The same key again records nothing and counts nothing twice.
  ASSERT_TRUE(Refund("r1", "p1", 4000, 30, &response).ok());
  EXPECT_EQ(response.result().outcome(), pv1::RECORD_OUTCOME_DUPLICATE);
  v1::Score score = WaitForScore(
      "c1", reader_a_, [](const v1::Score& s) { return s.lifetime_spend().units() == 9000; });
  EXPECT_EQ(score.lifetime_purchases(), 2);

  // 6000 is left of p1: one more minor unit is refused, naming the field and what is left.
  grpc::Status status = Refund("r2", "p1", 6001, 25, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("amount.units: at most 6000"), std::string::npos)
      << status.error_message();
  status = Refund("r3", "nope", 1, 25, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(status.error_message().find("refunded_idempotency_key"), std::string::npos);

  // The rest of p1: it is no purchase any more, and p2 is the client's first purchase day.
  ASSERT_TRUE(Refund("r4", "p1", 6000, 25, &response).ok());
  score =
      WaitForScore("c1", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 1; });
  EXPECT_EQ(score.lifetime_spend().units(), 3000);
  EXPECT_EQ(score.rfm().frequency(), 1);

  pv1::GetActivitySummaryRequest summary_request;
  summary_request.set_client_id("c1");
  pv1::ActivitySummary summary;
  ASSERT_TRUE(
      profile_stub_->GetActivitySummary(Context(reader_a_).get(), summary_request, &summary).ok());
  EXPECT_EQ(summary.purchase_count(), 2);
  EXPECT_EQ(summary.refund_count(), 2);
  ASSERT_EQ(summary.total_spent_size(), 1);
  EXPECT_EQ(summary.total_spent(0).units(), 3000);
}

}  // namespace
}  // namespace clienttier::scoring
