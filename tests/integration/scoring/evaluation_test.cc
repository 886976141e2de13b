// EvaluateClvModel (issue 17 part 3) on the real stack: the holdout counted from what
// client-profile recorded, the request rules, the role, and that nothing is stored.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/scoring/scoring_fixture.h"

namespace clienttier::scoring {
namespace {

class EvaluationIntegrationTest : public ScoringFixture {
 protected:
  void Purchase(const std::string& key, const std::string& client_id, int64_t units, int days_ago) {
    pv1::RecordTransactionRequest request;
    auto* input = request.mutable_transaction();
    input->set_idempotency_key(key);
    input->set_client_id(client_id);
    input->set_kind(pv1::TRANSACTION_KIND_PURCHASE);
    input->mutable_amount()->set_units(units);
    input->mutable_amount()->set_currency("CNY");
    input->mutable_occurred_at()->set_seconds(now_seconds_ - int64_t{86400} * days_ago);
    pv1::RecordTransactionResponse response;
    const grpc::Status status =
        profile_stub_->RecordTransaction(Context(writer_a_).get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  google::protobuf::Timestamp DaysAgo(int days) const {
    google::protobuf::Timestamp at;
    at.set_seconds(now_seconds_ - int64_t{86400} * days);
    return at;
  }

  grpc::Status Evaluate(const std::string& api_key, const v1::EvaluateClvModelRequest& request,
                        v1::ClvModelEvaluation* result) {
    return stub_->EvaluateClvModel(Context(api_key).get(), request, result);
  }
};

TEST_F(EvaluationIntegrationTest, CountsTheHoldoutAndStoresNothing) {
  // Calibration ends 100 days ago. c1: 3 calibration days, 2 holdout days (one of them with two
  // purchases: one occasion). c2: 1 calibration day, none after. c3: first buys in the holdout.
  CreateClient("c1", writer_a_);
  CreateClient("c2", writer_a_);
  CreateClient("c3", writer_a_);
  Purchase("c1-a", "c1", 1000, 300);
  Purchase("c1-b", "c1", 1000, 200);
  Purchase("c1-c", "c1", 1000, 150);
  Purchase("c1-d", "c1", 2000, 60);
  Purchase("c1-e", "c1", 500, 20);
  Purchase("c1-f", "c1", 700, 20);
  Purchase("c2-a", "c2", 3000, 250);
  Purchase("c3-a", "c3", 3000, 50);
  WaitForScore("c1", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 6; });
  WaitForScore("c2", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 1; });
  WaitForScore("c3", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 1; });

  v1::EvaluateClvModelRequest request;
  *request.mutable_calibration_end() = DaysAgo(100);
  *request.mutable_holdout_end() = DaysAgo(0);
  v1::ClvModelEvaluation result;
  const grpc::Status status = Evaluate(writer_a_, request, &result);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(result.clients(), 2);  // c3 first bought after the calibration end
  EXPECT_EQ(result.actual_holdout_purchases(), 2);
  EXPECT_EQ(result.holdout_days(), 100);
  EXPECT_EQ(result.calibration_end().seconds() % 86400, 0);
  EXPECT_EQ(result.currency(), "CNY");
  // Three clients are far below the fit's minimum: the status says so, no prediction is made.
  EXPECT_EQ(result.bg_nbd().status(), "too_little_data");
  EXPECT_EQ(result.purchases_by_frequency_size(), 0);

  // Nothing stored: no model version appeared.
  v1::TierDistribution distribution;
  ASSERT_TRUE(stub_
                  ->GetTierDistribution(Context(reader_a_).get(), v1::GetTierDistributionRequest(),
                                        &distribution)
                  .ok());
  EXPECT_EQ(distribution.model_version(), 0);
}

TEST_F(EvaluationIntegrationTest, RequestRulesNameTheFieldAndReadersMayNotFit) {
  v1::ClvModelEvaluation result;
  v1::EvaluateClvModelRequest request;
  *request.mutable_holdout_end() = DaysAgo(1);
  grpc::Status status = Evaluate(writer_a_, request, &result);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("calibration_end"), std::string::npos);

  *request.mutable_calibration_end() = DaysAgo(1);  // the same day
  status = Evaluate(writer_a_, request, &result);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("holdout_end"), std::string::npos);

  *request.mutable_calibration_end() = DaysAgo(30);
  *request.mutable_holdout_end() = DaysAgo(-2);  // a holdout that has not happened yet
  status = Evaluate(writer_a_, request, &result);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("holdout_end"), std::string::npos);

  request.mutable_calibration_end()->set_seconds(0);  // 1970: before the history floor
  *request.mutable_holdout_end() = DaysAgo(1);
  status = Evaluate(writer_a_, request, &result);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("calibration_end"), std::string::npos);

  *request.mutable_calibration_end() = DaysAgo(30);
  status = Evaluate(reader_a_, request, &result);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(Evaluate(writer_a_, request, &result).ok());
}

}  // namespace
}  // namespace clienttier::scoring
