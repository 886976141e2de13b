// As of a past day (issue 17 part 2) and ExplainScore's model inputs (part 6) on the real stack:
// purchases recorded in client-profile after the day are not counted, and nothing is stored.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "tests/integration/scoring/scoring_fixture.h"

namespace clienttier::scoring {
namespace {

class AsOfIntegrationTest : public ScoringFixture {
 protected:
  google::protobuf::Timestamp DaysAgo(int days) const {
    google::protobuf::Timestamp at;
    at.set_seconds(now_seconds_ - int64_t{86400} * days);
    return at;
  }

  // Midnight UTC of the day `days` days ago, in seconds.
  int64_t MidnightDaysAgo(int days) const {
    const int64_t at = now_seconds_ - int64_t{86400} * days;
    return at - at % 86400;
  }

  v1::Score Stored(const std::string& client_id) {
    v1::GetScoreRequest request;
    request.set_client_id(client_id);
    v1::Score score;
    const grpc::Status status = stub_->GetScore(Context(reader_a_).get(), request, &score);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return score;
  }

  int TierChanges() {
    v1::ListTierChangesRequest request;
    request.mutable_page()->set_page_size(1000);
    v1::ListTierChangesResponse response;
    EXPECT_TRUE(stub_->ListTierChanges(Context(reader_a_).get(), request, &response).ok());
    return response.changes_size();
  }

  // Runs BatchRescore; the scores every progress message carried, and the last message.
  std::vector<v1::Score> Batch(const v1::BatchRescoreRequest& request,
                               v1::BatchRescoreProgress* last) {
    auto context = Context(writer_a_);
    auto reader = stub_->BatchRescore(context.get(), request);
    std::vector<v1::Score> scores;
    v1::BatchRescoreProgress progress;
    while (reader->Read(&progress)) {
      scores.insert(scores.end(), progress.scores().begin(), progress.scores().end());
      *last = progress;
    }
    const grpc::Status status = reader->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return scores;
  }

  // c1 bought 100, 50 and 10 days ago; c2 30 and 20 days ago; c3 only 5 days ago.
  void RecordHistories() {
    for (const char* id : {"c1", "c2", "c3"}) {
      CreateClient(id, writer_a_);
    }
    RecordPurchase("c1-a", "c1", 1000, 100, writer_a_);
    RecordPurchase("c1-b", "c1", 2000, 50, writer_a_);
    RecordPurchase("c1-c", "c1", 4000, 10, writer_a_);
    RecordPurchase("c2-a", "c2", 3000, 30, writer_a_);
    RecordPurchase("c2-b", "c2", 3000, 20, writer_a_);
    RecordPurchase("c3-a", "c3", 5000, 5, writer_a_);
    WaitForScore("c1", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 3; });
    WaitForScore("c2", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 2; });
    WaitForScore("c3", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 1; });
  }
};

TEST_F(AsOfIntegrationTest, APurchaseAfterAsOfIsNotCountedAndTheScoreIsNotStored) {
  RecordHistories();
  const v1::Score stored_before = Stored("c1");

  v1::ScoreClientRequest request;
  request.set_client_id("c1");
  *request.mutable_as_of() = DaysAgo(30);
  v1::Score past;
  const grpc::Status status = stub_->ScoreClient(Context(writer_a_).get(), request, &past);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(past.lifetime_purchases(), 2);  // the purchase 10 days ago is after as_of
  EXPECT_EQ(past.lifetime_spend().units(), 3000);
  EXPECT_EQ(past.lifetime_spend().currency(), "CNY");
  EXPECT_EQ(past.rfm().recency_days(), 20);  // at as_of: 50 - 30 days
  EXPECT_EQ(past.as_of().seconds(), MidnightDaysAgo(30));
  EXPECT_EQ(past.model_version(), 0);

  v1::ExplainScoreRequest explain;
  explain.set_client_id("c1");
  *explain.mutable_as_of() = DaysAgo(30);
  v1::ScoreExplanation explanation;
  ASSERT_TRUE(stub_->ExplainScore(Context(reader_a_).get(), explain, &explanation).ok());
  EXPECT_EQ(explanation.x_repeat_purchase_days(), 1);
  EXPECT_EQ(explanation.t_x_days(), 50);  // 100 - 50 days ago
  EXPECT_EQ(explanation.t_days(), 70);    // 100 - 30 days ago
  EXPECT_EQ(explanation.score().lifetime_purchases(), 2);

  // Today's explanation counts all three purchase days, to today.
  explain.clear_as_of();
  ASSERT_TRUE(stub_->ExplainScore(Context(reader_a_).get(), explain, &explanation).ok());
  EXPECT_EQ(explanation.x_repeat_purchase_days(), 2);
  EXPECT_EQ(explanation.t_x_days(), 90);
  EXPECT_EQ(explanation.t_days(), 100);

  // The stored score is the one from before, byte for byte.
  EXPECT_EQ(Stored("c1").SerializeAsString(), stored_before.SerializeAsString());
}

TEST_F(AsOfIntegrationTest, BatchRescoreWithAPastAsOfLeavesStoredScoresAndTierHistoryUntouched) {
  RecordHistories();
  v1::BatchRescoreProgress last;
  Batch(v1::BatchRescoreRequest(), &last);  // today's, stored
  ASSERT_TRUE(last.done());
  const int64_t population_version = last.population_version();
  std::map<std::string, std::string> before;
  for (const char* id : {"c1", "c2", "c3"}) {
    before[id] = Stored(id).SerializeAsString();
  }
  const int changes_before = TierChanges();

  v1::BatchRescoreRequest request;
  *request.mutable_as_of() = DaysAgo(25);
  const std::vector<v1::Score> scores = Batch(request, &last);
  EXPECT_TRUE(last.done());
  EXPECT_EQ(last.total(), 3);
  EXPECT_EQ(last.as_of().seconds(), MidnightDaysAgo(25));
  ASSERT_EQ(scores.size(), 3u);
  std::map<std::string, v1::Score> by_client;
  for (const v1::Score& score : scores) {
    by_client[score.client_id()] = score;
    EXPECT_EQ(score.as_of().seconds(), MidnightDaysAgo(25));
  }
  EXPECT_EQ(by_client["c1"].lifetime_purchases(), 2);
  EXPECT_EQ(by_client["c2"].lifetime_purchases(), 1);
  EXPECT_EQ(by_client["c3"].lifetime_purchases(), 0);
  EXPECT_EQ(by_client["c3"].lifecycle(), v1::LIFECYCLE_STAGE_PROSPECT);

  for (const char* id : {"c1", "c2", "c3"}) {
    EXPECT_EQ(Stored(id).SerializeAsString(), before[id]) << id;
  }
  EXPECT_EQ(TierChanges(), changes_before);
  v1::TierDistribution distribution;
  ASSERT_TRUE(stub_
                  ->GetTierDistribution(Context(reader_a_).get(), v1::GetTierDistributionRequest(),
                                        &distribution)
                  .ok());
  EXPECT_EQ(distribution.population().version(), population_version);
  EXPECT_EQ(distribution.population().currency(), "CNY");
}

TEST_F(AsOfIntegrationTest, FitClvModelAsOfReturnsParametersWithoutReplacingTheCurrentModel) {
  // Small minimums so three clients are fitted (the parameters are returned either way).
  v1::ScoringConfig config;
  ASSERT_TRUE(
      stub_->GetScoringConfig(Context(reader_a_).get(), v1::GetScoringConfigRequest(), &config)
          .ok());
  config.mutable_clv()->set_min_clients_to_fit(1);
  config.mutable_clv()->set_min_repeat_buyers_to_fit(1);
  v1::PutScoringConfigRequest put;
  *put.mutable_config() = config;
  v1::ScoringConfig stored_config;
  ASSERT_TRUE(stub_->PutScoringConfig(Context(admin_a_).get(), put, &stored_config).ok());
  RecordHistories();

  v1::ClvModel current;
  ASSERT_TRUE(
      stub_->FitClvModel(Context(writer_a_).get(), v1::FitClvModelRequest(), &current).ok());
  ASSERT_EQ(current.version(), 1);
  EXPECT_EQ(current.bg_nbd().clients(), 3);
  EXPECT_EQ(current.currency(), "CNY");

  v1::FitClvModelRequest request;
  *request.mutable_as_of() = DaysAgo(25);
  v1::ClvModel past;
  const grpc::Status status = stub_->FitClvModel(Context(writer_a_).get(), request, &past);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(past.version(), 0);
  EXPECT_EQ(past.as_of().seconds(), MidnightDaysAgo(25));
  EXPECT_EQ(past.bg_nbd().clients(), 2);  // c3 first bought after as_of
  ASSERT_EQ(past.bg_nbd().parameters_size(), 4);
  for (const v1::FittedParameter& parameter : past.bg_nbd().parameters()) {
    EXPECT_TRUE(std::isfinite(parameter.value())) << parameter.name();
  }
  EXPECT_EQ(past.bg_nbd().parameters(1).unit(), "days");

  // The current model is still version 1 with its own parameters.
  v1::TierDistribution distribution;
  ASSERT_TRUE(stub_
                  ->GetTierDistribution(Context(reader_a_).get(), v1::GetTierDistributionRequest(),
                                        &distribution)
                  .ok());
  EXPECT_EQ(distribution.model_version(), 1);
  v1::ExplainScoreRequest explain;
  explain.set_client_id("c1");
  v1::ScoreExplanation explanation;
  ASSERT_TRUE(stub_->ExplainScore(Context(reader_a_).get(), explain, &explanation).ok());
  EXPECT_EQ(explanation.model_version(), 1);
  EXPECT_EQ(explanation.model().SerializeAsString(), current.SerializeAsString());
}

TEST_F(AsOfIntegrationTest, AnAsOfInTheFutureIsInvalidArgumentNamingTheField) {
  RecordHistories();
  const auto expect_as_of_refused = [](const grpc::Status& status) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_NE(status.error_message().find("as_of"), std::string::npos) << status.error_message();
  };
  v1::ScoreClientRequest score;
  score.set_client_id("c1");
  *score.mutable_as_of() = DaysAgo(-1);
  v1::Score score_result;
  expect_as_of_refused(stub_->ScoreClient(Context(writer_a_).get(), score, &score_result));

  v1::ExplainScoreRequest explain;
  explain.set_client_id("c1");
  *explain.mutable_as_of() = DaysAgo(-1);
  v1::ScoreExplanation explanation;
  expect_as_of_refused(stub_->ExplainScore(Context(reader_a_).get(), explain, &explanation));

  v1::FitClvModelRequest fit;
  *fit.mutable_as_of() = DaysAgo(-1);
  v1::ClvModel model;
  expect_as_of_refused(stub_->FitClvModel(Context(writer_a_).get(), fit, &model));
  fit.mutable_as_of()->set_seconds(0);  // 1970: before the history floor
  expect_as_of_refused(stub_->FitClvModel(Context(writer_a_).get(), fit, &model));

  v1::BatchRescoreRequest batch;
  *batch.mutable_as_of() = DaysAgo(-1);
  {
    auto context = Context(writer_a_);
    auto reader = stub_->BatchRescore(context.get(), batch);
    v1::BatchRescoreProgress progress;
    EXPECT_FALSE(reader->Read(&progress));
    expect_as_of_refused(reader->Finish());
  }
  // A past rescore is whole-tenant only: nothing is stored for shards to share.
  *batch.mutable_as_of() = DaysAgo(10);
  batch.set_shard_count(4);
  {
    auto context = Context(writer_a_);
    auto reader = stub_->BatchRescore(context.get(), batch);
    v1::BatchRescoreProgress progress;
    EXPECT_FALSE(reader->Read(&progress));
    expect_as_of_refused(reader->Finish());
  }
  // Nothing was fitted or stored by the refused calls.
  v1::TierDistribution distribution;
  ASSERT_TRUE(stub_
                  ->GetTierDistribution(Context(reader_a_).get(), v1::GetTierDistributionRequest(),
                                        &distribution)
                  .ok());
  EXPECT_EQ(distribution.model_version(), 0);
}

TEST_F(AsOfIntegrationTest, AClvHorizonInDaysIsStoredAndBothHorizonsAreRefused) {
  v1::ScoringConfig config;
  ASSERT_TRUE(
      stub_->GetScoringConfig(Context(reader_a_).get(), v1::GetScoringConfigRequest(), &config)
          .ok());
  v1::PutScoringConfigRequest put;
  *put.mutable_config() = config;
  put.mutable_config()->mutable_clv()->set_horizon_days(273);  // and horizon_months 12
  v1::ScoringConfig stored;
  grpc::Status status = stub_->PutScoringConfig(Context(admin_a_).get(), put, &stored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("config.clv.horizon_days"), std::string::npos)
      << status.error_message();

  put.mutable_config()->mutable_clv()->set_horizon_months(0);
  status = stub_->PutScoringConfig(Context(admin_a_).get(), put, &stored);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::ScoringConfig read;
  ASSERT_TRUE(
      stub_->GetScoringConfig(Context(reader_a_).get(), v1::GetScoringConfigRequest(), &read).ok());
  EXPECT_EQ(read.clv().horizon_days(), 273);
  EXPECT_EQ(read.clv().horizon_months(), 0);

  // Scores use it: a client's CLV over 273 days is below the same over 12 months.
  CreateClient("c1", writer_a_);
  RecordPurchase("c1-a", "c1", 1000, 100, writer_a_);
  RecordPurchase("c1-b", "c1", 2000, 50, writer_a_);
  const v1::Score weeks =
      WaitForScore("c1", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 2; });
  put.set_expected_version(read.version());
  *put.mutable_config() = read;
  put.mutable_config()->mutable_clv()->set_horizon_days(0);
  put.mutable_config()->mutable_clv()->set_horizon_months(12);
  ASSERT_TRUE(stub_->PutScoringConfig(Context(admin_a_).get(), put, &stored).ok());
  v1::ScoreClientRequest rescore;
  rescore.set_client_id("c1");
  v1::Score year;
  ASSERT_TRUE(stub_->ScoreClient(Context(writer_a_).get(), rescore, &year).ok());
  EXPECT_NEAR(weeks.clv().expected_purchases() / year.clv().expected_purchases(), 273.0 / 365.25,
              1e-6);
}

}  // namespace
}  // namespace clienttier::scoring
