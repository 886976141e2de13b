// Issue 17 part 2 (as of a past day) and part 6 (ExplainScore's model inputs) over the in-memory
// fakes: only activity up to the day counts, T is measured at it, and nothing is stored.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/scoring/fake_scoring_world.h"

namespace clienttier::scoring {
namespace {

using testing::FakeScoringWorld;

constexpr char kTenant[] = "t1";
constexpr Day kToday = FakeScoringWorld::kToday;

class AsOfTest : public ::testing::Test {
 protected:
  // A stored batch first, so "nothing stored" compares against real rows.
  void StoreTodaysScores() {
    world_.jobs.BatchRescore(kTenant, v1::BatchRescoreRequest(),
                             [](const v1::BatchRescoreProgress&) { return true; });
  }

  std::string StoredScoresBytes() const {
    std::string bytes;
    for (const auto& [key, stored] : world_.scores.scores) {
      bytes += stored.score.SerializeAsString();
    }
    return bytes;
  }

  FakeScoringWorld world_;
};

TEST_F(AsOfTest, AScoreAsOfAPastDayCountsOnlyActivityUpToItAndStoresNothing) {
  // Paid days today-50, today-30, today-10.
  world_.aggregates.AddBuyer(kTenant, "c1", 3, 5000, kToday - 10);
  StoreTodaysScores();
  const std::string stored_before = StoredScoresBytes();
  const size_t events_before = world_.outbox.events.size();
  world_.cache.shared[ScoreCacheKey(kTenant, "c1")] = v1::Score();

  const v1::Score past = world_.rescoring.ScoreClient(kTenant, "c1", kToday - 40);

  EXPECT_EQ(past.lifetime_purchases(), 1);  // the days after today-40 are not counted
  EXPECT_EQ(past.lifetime_spend().units(), 5000);
  EXPECT_EQ(past.rfm().recency_days(), 10);  // measured at the day: today-40 - (today-50)
  EXPECT_EQ(FromProtoTimestamp(past.as_of()), (kToday - 40) * kMicrosPerDay);
  EXPECT_EQ(past.model_version(), 0);
  EXPECT_EQ(past.population_version(), 0);
  // Nothing stored: today's score, the events, the cache and the stored population stay.
  EXPECT_EQ(StoredScoresBytes(), stored_before);
  EXPECT_EQ(world_.outbox.events.size(), events_before);
  EXPECT_EQ(world_.cache.shared.count(ScoreCacheKey(kTenant, "c1")), 1u);
  EXPECT_EQ(world_.versions.populations[kTenant].size(), 1u);
  // Today's score still counts everything.
  EXPECT_EQ(world_.rescoring.ScoreClient(kTenant, "c1").lifetime_purchases(), 3);
}

TEST_F(AsOfTest, AClientWithoutActivityUpToTheDayIsAProspectThen) {
  world_.aggregates.AddBuyer(kTenant, "c1", 2, 5000, kToday - 10);  // days today-30, today-10
  const v1::Score past = world_.rescoring.ScoreClient(kTenant, "c1", kToday - 31);
  EXPECT_EQ(past.lifetime_purchases(), 0);
  EXPECT_EQ(past.lifecycle(), v1::LIFECYCLE_STAGE_PROSPECT);
  EXPECT_TRUE(world_.scores.scores.empty());
}

TEST_F(AsOfTest, AnUnknownClientIsNotFoundAsOfAPastDayToo) {
  world_.aggregates.AddBuyer(kTenant, "c1", 2, 5000, kToday - 10);
  try {
    world_.rescoring.ScoreClient(kTenant, "nobody", kToday - 5);
    FAIL() << "expected NotFound";
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kNotFound);
  }
  EXPECT_THROW(world_.rescoring.ExplainScore(kTenant, "nobody", kToday - 5), DomainError);
}

TEST_F(AsOfTest, ExplainScoreShowsXTxAndTInDaysAndTheModelVersion) {
  // Paid days today-70, -50, -30, -10; two purchases on today-10 are one occasion.
  world_.aggregates.AddBuyer(kTenant, "c1", 4, 5000, kToday - 10);
  world_.aggregates.AddBuyer(kTenant, "c1", 1, 700, kToday - 10);
  ASSERT_EQ(world_.jobs.FitClvModel(kTenant).version(), 1);

  const v1::ScoreExplanation now = world_.rescoring.ExplainScore(kTenant, "c1");
  EXPECT_EQ(now.x_repeat_purchase_days(), 3);
  EXPECT_EQ(now.t_x_days(), 60);
  EXPECT_EQ(now.t_days(), 70);
  EXPECT_EQ(now.model_version(), 1);
  EXPECT_EQ(now.model().version(), 1);
  EXPECT_EQ(now.score().model_version(), 1);

  const v1::ScoreExplanation past = world_.rescoring.ExplainScore(kTenant, "c1", kToday - 20);
  EXPECT_EQ(past.x_repeat_purchase_days(), 2);  // today-70, -50, -30
  EXPECT_EQ(past.t_x_days(), 40);
  EXPECT_EQ(past.t_days(), 50);
  EXPECT_EQ(past.model_version(), 0);  // fitted as of the day, not stored
  EXPECT_EQ(FromProtoTimestamp(past.model().as_of()), (kToday - 20) * kMicrosPerDay);
  EXPECT_EQ(past.population().version(), 0);
  EXPECT_EQ(past.population().currency(), "CNY");
  EXPECT_EQ(world_.versions.models[kTenant].size(), 1u);

  // A prospect has no purchase history: all three are 0.
  world_.aggregates.clients[{kTenant, "p1"}].counters.last_activity_day = kToday - 1;
  const v1::ScoreExplanation prospect = world_.rescoring.ExplainScore(kTenant, "p1");
  EXPECT_EQ(prospect.x_repeat_purchase_days(), 0);
  EXPECT_EQ(prospect.t_x_days(), 0);
  EXPECT_EQ(prospect.t_days(), 0);
}

TEST_F(AsOfTest, FitClvModelAsOfReturnsTheFitWithoutReplacingTheCurrentModel) {
  world_.aggregates.AddBuyer(kTenant, "c1", 3, 5000, kToday - 10);  // first buys today-50
  world_.aggregates.AddBuyer(kTenant, "c2", 2, 5000, kToday - 5);   // first buys today-25
  const v1::ClvModel current = world_.jobs.FitClvModel(kTenant);
  ASSERT_EQ(current.version(), 1);
  EXPECT_EQ(current.bg_nbd().clients(), 2);
  EXPECT_EQ(current.currency(), "CNY");
  EXPECT_EQ(FromProtoTimestamp(current.as_of()), kToday * kMicrosPerDay);

  const v1::ClvModel past = world_.jobs.FitClvModel(kTenant, kToday - 30);
  EXPECT_EQ(past.version(), 0);
  EXPECT_EQ(past.bg_nbd().clients(), 1);  // c2 had not bought yet
  EXPECT_EQ(FromProtoTimestamp(past.as_of()), (kToday - 30) * kMicrosPerDay);
  EXPECT_EQ(past.currency(), "CNY");
  ASSERT_EQ(world_.versions.models[kTenant].size(), 1u);
  EXPECT_EQ(world_.versions.models[kTenant].back().SerializeAsString(),
            current.SerializeAsString());
}

TEST_F(AsOfTest, FittedParametersNameTheirUnits) {
  world_.aggregates.AddBuyer(kTenant, "c1", 3, 5000, kToday - 10);
  const v1::ClvModel model = world_.jobs.FitClvModel(kTenant);
  ASSERT_EQ(model.bg_nbd().parameters_size(), 4);
  EXPECT_EQ(model.bg_nbd().parameters(1).name(), "alpha");
  EXPECT_EQ(model.bg_nbd().parameters(1).unit(), "days");
  EXPECT_EQ(model.bg_nbd().parameters(0).unit(), "");
  ASSERT_EQ(model.gamma_gamma().parameters_size(), 3);
  EXPECT_EQ(model.gamma_gamma().parameters(2).name(), "gamma");
  EXPECT_EQ(model.gamma_gamma().parameters(2).unit(), "minor units of CNY");
}

TEST_F(AsOfTest, BatchRescoreAsOfStreamsEveryClientOnceAndStoresNothing) {
  world_.aggregates.AddBuyer(kTenant, "c1", 3, 5000, kToday - 10);  // today-50, -30, -10
  world_.aggregates.AddBuyer(kTenant, "c2", 1, 9000, kToday - 5);   // after the day
  world_.aggregates.AddBuyer(kTenant, "c3", 2, 3000, kToday - 100);
  StoreTodaysScores();
  const std::string stored_before = StoredScoresBytes();
  const size_t history_before = world_.scores.history.size();
  const size_t events_before = world_.outbox.events.size();
  const size_t populations_before = world_.versions.populations[kTenant].size();

  std::vector<v1::BatchRescoreProgress> reports;
  v1::BatchRescoreRequest request;
  world_.jobs.BatchRescore(
      kTenant, request,
      [&](const v1::BatchRescoreProgress& report) {
        reports.push_back(report);
        return true;
      },
      kToday - 40);

  ASSERT_FALSE(reports.empty());
  EXPECT_TRUE(reports.back().done());
  EXPECT_EQ(reports.back().scored(), 3);
  EXPECT_EQ(reports.back().population_version(), 0);
  EXPECT_EQ(FromProtoTimestamp(reports.back().as_of()), (kToday - 40) * kMicrosPerDay);
  std::vector<v1::Score> scores;
  for (const auto& report : reports) {
    scores.insert(scores.end(), report.scores().begin(), report.scores().end());
  }
  ASSERT_EQ(scores.size(), 3u);
  EXPECT_EQ(scores[0].client_id(), "c1");
  EXPECT_EQ(scores[0].lifetime_purchases(), 1);
  EXPECT_EQ(scores[1].client_id(), "c2");
  EXPECT_EQ(scores[1].lifetime_purchases(), 0);
  EXPECT_EQ(scores[2].lifetime_purchases(), 2);
  for (const v1::Score& score : scores) {
    EXPECT_EQ(FromProtoTimestamp(score.as_of()), (kToday - 40) * kMicrosPerDay);
  }
  EXPECT_EQ(StoredScoresBytes(), stored_before);
  EXPECT_EQ(world_.scores.history.size(), history_before);
  EXPECT_EQ(world_.outbox.events.size(), events_before);
  EXPECT_EQ(world_.versions.populations[kTenant].size(), populations_before);
  EXPECT_TRUE(world_.versions.models[kTenant].empty());
}

TEST_F(AsOfTest, AHorizonInDaysIsUsedByTheScores) {
  world_.aggregates.AddBuyer(kTenant, "c1", 3, 5000, kToday - 10);
  const double twelve_months =
      world_.rescoring.ScoreClient(kTenant, "c1").clv().expected_purchases();
  v1::ScoringConfig config = world_.admin.GetScoringConfig(kTenant);
  config.mutable_clv()->set_horizon_months(0);
  config.mutable_clv()->set_horizon_days(273);  // 39 weeks
  const v1::ScoringConfig stored = world_.admin.PutScoringConfig(kTenant, config, 0, "key-1");
  EXPECT_EQ(stored.clv().horizon_days(), 273);
  EXPECT_EQ(stored.clv().horizon_months(), 0);
  const double weeks_39 = world_.rescoring.ScoreClient(kTenant, "c1").clv().expected_purchases();
  // The heuristic (no model) is linear in the horizon: 273 days of 365.25 / 12 per month.
  EXPECT_NEAR(weeks_39 / twelve_months, 273.0 / (12 * kDaysPerMonth), 1e-9);
}

}  // namespace
}  // namespace clienttier::scoring
