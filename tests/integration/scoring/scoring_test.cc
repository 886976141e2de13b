#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "clienttier/scoring/v1/scoring_events.pb.h"
#include "common/db/processed_events.h"
#include "common/outbox/outbox.h"
#include "common/redis/stream_consumer.h"
#include "tests/integration/scoring/scoring_fixture.h"

namespace clienttier::scoring {
namespace {

using ScoringTest = ScoringFixture;

TEST_F(ScoringTest, TransactionsReachScoringThroughTheStreamAndAreScored) {
  CreateClient("c1", writer_a_);
  RecordPurchase("t1", "c1", 12000, 40, writer_a_);
  RecordPurchase("t2", "c1", 8000, 20, writer_a_);
  RecordPurchase("t3", "c1", 5000, 20, writer_a_);  // same day: one repeat occasion
  const v1::Score score =
      WaitForScore("c1", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 3; });
  EXPECT_EQ(score.lifetime_spend().units(), 25000);
  EXPECT_EQ(score.lifetime_spend().currency(), "CNY");
  EXPECT_EQ(score.rfm().recency_days(), 20);
  EXPECT_EQ(score.rfm().frequency(), 3);
  EXPECT_EQ(score.windows().purchases_30d(), 2);
  EXPECT_EQ(score.windows().spend_90d().units(), 25000);
  EXPECT_EQ(score.lifecycle(), v1::LIFECYCLE_STAGE_ONBOARDING);
  EXPECT_NE(score.tier(), v1::TIER_UNSPECIFIED);
  EXPECT_FALSE(score.rfm().cell().empty());
  // No model fitted yet: the CLV says it is the heuristic.
  EXPECT_TRUE(score.clv().heuristic());

  // Reads are then served from the cache. Not necessarily the next one: the outbox relay
  // invalidates the key once more when it publishes the score's events, and a fill that raced
  // that invalidation is refused (RedisCache), so the read after it fills again.
  auto& hits = scoring_->metrics().GetCounter("ct_cache_hits_total", "", {{"service", "scoring"}});
  const uint64_t hits_before = hits.value();
  v1::GetScoreRequest request;
  request.set_client_id("c1");
  for (int i = 0; i < 50 && hits.value() == hits_before; ++i) {
    v1::Score again;
    ASSERT_TRUE(stub_->GetScore(Context(reader_a_).get(), request, &again).ok());
    EXPECT_EQ(again.lifetime_purchases(), 3);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GT(hits.value(), hits_before);
}

// A read carrying several clients' events rescores them together: each score holds only its
// own client's events, and a client erased in a later read loses its score.
TEST_F(ScoringTest, OneReadOfManyClientsScoresEachOnItsOwnEvents) {
  scoring_->consumer().Stop();  // only the reads below are applied
  const UnixMicros now = SystemClock().Now();
  const auto purchase = [&](const std::string& client_id, int64_t units, int days_ago) {
    profile::v1::ProfileEvent event;
    event.set_event_id(NewEventId());
    event.set_tenant_id(tenant_a_);
    auto* transaction = event.mutable_transaction_recorded()->mutable_transaction();
    transaction->set_transaction_id(NewEventId());
    transaction->set_client_id(client_id);
    transaction->set_kind(profile::v1::TRANSACTION_KIND_PURCHASE);
    transaction->mutable_amount()->set_units(units);
    transaction->mutable_amount()->set_currency("CNY");
    *transaction->mutable_occurred_at() = ToProtoTimestamp(now - days_ago * kMicrosPerDay);
    return event;
  };
  const auto score_of = [&](const std::string& client_id, v1::Score* score) {
    v1::GetScoreRequest request;
    request.set_client_id(client_id);
    return stub_->GetScore(Context(reader_a_).get(), request, score);
  };

  EXPECT_EQ(scoring_->profile_events().Apply({purchase("c1", 12000, 40), purchase("c2", 30000, 10),
                                              purchase("c1", 8000, 20), purchase("c3", 5000, 5)}),
            4);
  v1::Score c1, c2, c3;
  ASSERT_TRUE(score_of("c1", &c1).ok());
  ASSERT_TRUE(score_of("c2", &c2).ok());
  ASSERT_TRUE(score_of("c3", &c3).ok());
  EXPECT_EQ(c1.lifetime_purchases(), 2);
  EXPECT_EQ(c1.lifetime_spend().units(), 20000);
  EXPECT_EQ(c1.rfm().recency_days(), 20);
  EXPECT_EQ(c2.lifetime_purchases(), 1);
  EXPECT_EQ(c2.lifetime_spend().units(), 30000);
  EXPECT_EQ(c3.lifetime_spend().units(), 5000);

  profile::v1::ProfileEvent erased;
  erased.set_event_id(NewEventId());
  erased.set_tenant_id(tenant_a_);
  erased.mutable_client_erased()->set_client_id("c3");
  EXPECT_EQ(scoring_->profile_events().Apply({erased, purchase("c2", 7000, 1)}), 2);
  ASSERT_TRUE(score_of("c2", &c2).ok());
  EXPECT_EQ(c2.lifetime_purchases(), 2);
  EXPECT_EQ(c2.lifetime_spend().units(), 37000);
  EXPECT_EQ(score_of("c3", &c3).error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(score_of("c1", &c1).ok());
  EXPECT_EQ(c1.lifetime_spend().units(), 20000);  // untouched by the second read
}

TEST_F(ScoringTest, AReplayedEventChangesNothing) {
  CreateClient("c1", writer_a_);
  RecordPurchase("t1", "c1", 10000, 5, writer_a_);
  const v1::Score before =
      WaitForScore("c1", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 1; });

  // Put every event of the tenant on the stream again, as a relay replay would.
  RedisClient redis(testing::RedisFromEnv(), nullptr);
  const auto entries = testing::TenantStreamEntries(redis, "ct:events:profile", tenant_a_);
  ASSERT_GE(entries.size(), 2u);
  const uint64_t duplicates = Counter("ct_scoring_events_duplicate_total");
  testing::ReAddStreamEntries(redis, "ct:events:profile", entries);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (Counter("ct_scoring_events_duplicate_total") < duplicates + entries.size() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(Counter("ct_scoring_events_duplicate_total"), duplicates + entries.size());
  v1::ScoreClientRequest request;
  request.set_client_id("c1");
  v1::Score after;
  ASSERT_TRUE(stub_->ScoreClient(Context(writer_a_).get(), request, &after).ok());
  EXPECT_EQ(after.lifetime_purchases(), before.lifetime_purchases());
  EXPECT_EQ(after.lifetime_spend().units(), before.lifetime_spend().units());
}

TEST_F(ScoringTest, TierChangesAreKeptInHistoryAndEmitted) {
  // Thresholds low enough that a deep, frequent buyer reaches T1.
  v1::ScoringConfig config;
  {
    v1::GetScoringConfigRequest get;
    ASSERT_TRUE(stub_->GetScoringConfig(Context(reader_a_).get(), get, &config).ok());
    EXPECT_EQ(config.version(), 0);
  }
  config.mutable_tiers()->set_t1_min_score(50);
  config.mutable_tiers()->set_t2_min_score(20);
  v1::PutScoringConfigRequest put;
  *put.mutable_config() = config;
  put.set_expected_version(0);
  v1::ScoringConfig stored;
  ASSERT_TRUE(stub_->PutScoringConfig(Context(admin_a_).get(), put, &stored).ok());
  EXPECT_EQ(stored.version(), 1);

  CreateClient("big", writer_a_);
  CreateClient("small", writer_a_);
  for (int i = 0; i < 8; ++i) {
    RecordPurchase("big-" + std::to_string(i), "big", 50000, 10 + 30 * i, writer_a_);
  }
  RecordPurchase("small-0", "small", 1000, 200, writer_a_);
  WaitForScore("big", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 8; });
  WaitForScore("small", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 1; });

  v1::BatchRescoreRequest batch;
  auto context = Context(writer_a_);
  auto reader = stub_->BatchRescore(context.get(), batch);
  v1::BatchRescoreProgress progress;
  v1::BatchRescoreProgress last;
  while (reader->Read(&progress)) {
    last = progress;
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_TRUE(last.done());
  EXPECT_EQ(last.total(), 2);
  EXPECT_EQ(last.scored(), 2);

  const v1::Score big =
      WaitForScore("big", reader_a_, [](const v1::Score& s) { return s.config_version() == 1; });
  EXPECT_EQ(big.tier(), v1::TIER_T1) << big.ShortDebugString();

  v1::ListTierChangesRequest list;
  list.set_client_id("big");
  v1::ListTierChangesResponse changes;
  ASSERT_TRUE(stub_->ListTierChanges(Context(reader_a_).get(), list, &changes).ok());
  ASSERT_FALSE(changes.changes().empty());
  EXPECT_EQ(changes.changes(changes.changes_size() - 1).to_tier(), v1::TIER_T1);

  // The change reaches ct:events:scoring through the outbox.
  RedisClient redis(testing::RedisFromEnv(), nullptr);
  bool found = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!found && std::chrono::steady_clock::now() < deadline) {
    for (const auto& entry : testing::TenantStreamEntries(redis, "ct:events:scoring", tenant_a_)) {
      v1::ScoringEvent event;
      ASSERT_TRUE(event.ParseFromString(entry.fields.at("payload")));
      if (entry.fields.at("type") == "tier_changed" &&
          event.tier_changed().change().client_id() == "big" &&
          event.tier_changed().change().to_tier() == v1::TIER_T1) {
        found = true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(found);

  v1::TierDistribution distribution;
  ASSERT_TRUE(stub_
                  ->GetTierDistribution(Context(reader_a_).get(), v1::GetTierDistributionRequest(),
                                        &distribution)
                  .ok());
  EXPECT_EQ(distribution.total_clients(), 2);
  EXPECT_EQ(distribution.tiers(0).tier(), v1::TIER_T1);
  EXPECT_EQ(distribution.tiers(0).clients(), 1);
  EXPECT_EQ(distribution.config_version(), 1);
  EXPECT_GT(distribution.population().version(), 0);
}

TEST_F(ScoringTest, ExplainScoreShowsContributionsThatSumToTheScore) {
  CreateClient("c1", writer_a_);
  RecordPurchase("t1", "c1", 30000, 100, writer_a_);
  RecordPurchase("t2", "c1", 20000, 10, writer_a_);
  WaitForScore("c1", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 2; });
  v1::ExplainScoreRequest request;
  request.set_client_id("c1");
  v1::ScoreExplanation explanation;
  ASSERT_TRUE(stub_->ExplainScore(Context(reader_a_).get(), request, &explanation).ok());
  double points = 0;
  for (const auto& contribution : explanation.contributions()) {
    points += contribution.points();
  }
  EXPECT_EQ(explanation.contributions_size(), 3);
  EXPECT_NEAR(points, explanation.score().score(), 1e-6);
  EXPECT_FALSE(explanation.thresholds_crossed().empty());
  EXPECT_FALSE(explanation.inputs().empty());
  EXPECT_FALSE(explanation.tier_reason().empty());
}

TEST_F(ScoringTest, FitOnTooLittleDataSaysSoAndScoresStayHeuristic) {
  CreateClient("c1", writer_a_);
  RecordPurchase("t1", "c1", 30000, 100, writer_a_);
  WaitForScore("c1", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 1; });
  v1::ClvModel model;
  ASSERT_TRUE(stub_->FitClvModel(Context(writer_a_).get(), v1::FitClvModelRequest(), &model).ok());
  EXPECT_EQ(model.version(), 1);
  EXPECT_FALSE(model.usable());
  EXPECT_EQ(model.bg_nbd().status(), "too_little_data");
  v1::ScoreClientRequest request;
  request.set_client_id("c1");
  v1::Score score;
  ASSERT_TRUE(stub_->ScoreClient(Context(writer_a_).get(), request, &score).ok());
  EXPECT_EQ(score.model_version(), 1);
  EXPECT_TRUE(score.clv().heuristic());
}

TEST_F(ScoringTest, AnOverrideFloorsTheTierAndIsShown) {
  CreateClient("c1", writer_a_);
  RecordPurchase("t1", "c1", 100, 300, writer_a_);
  WaitForScore("c1", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 1; });
  v1::SetTierOverrideRequest request;
  request.set_client_id("c1");
  auto* tier_override = request.mutable_override();
  tier_override->set_mode(v1::TierOverride::MODE_FLOOR);
  tier_override->set_tier(v1::TIER_T1);
  tier_override->set_reason("board member");
  tier_override->mutable_expires_at()->set_seconds(now_seconds_ + 30 * 86400);
  v1::Score score;
  ASSERT_TRUE(stub_->SetTierOverride(Context(admin_a_).get(), request, &score).ok());
  EXPECT_EQ(score.tier(), v1::TIER_T1);
  EXPECT_EQ(score.tier_override().reason(), "board member");
  EXPECT_FALSE(score.tier_override().author().empty());

  // Only an admin may set one.
  v1::Score refused;
  EXPECT_EQ(stub_->SetTierOverride(Context(writer_a_).get(), request, &refused).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  v1::ListTierChangesRequest list;
  list.set_client_id("c1");
  v1::ListTierChangesResponse changes;
  ASSERT_TRUE(stub_->ListTierChanges(Context(reader_a_).get(), list, &changes).ok());
  ASSERT_FALSE(changes.changes().empty());
  EXPECT_NE(changes.changes(changes.changes_size() - 1).reason().find("override"),
            std::string::npos);
}

// Issue 19 (config poison): a horizon of 2^31 - 1 months made every rescore allocate gigabytes.
TEST_F(ScoringTest, AnUnboundedClvHorizonIsRefusedAndTheStoredConfigIsUnchanged) {
  v1::ScoringConfig defaults;
  ASSERT_TRUE(
      stub_->GetScoringConfig(Context(reader_a_).get(), v1::GetScoringConfigRequest(), &defaults)
          .ok());
  v1::PutScoringConfigRequest put;
  *put.mutable_config() = defaults;
  put.mutable_config()->mutable_clv()->set_horizon_months(24);
  v1::ScoringConfig stored;
  ASSERT_TRUE(stub_->PutScoringConfig(Context(admin_a_).get(), put, &stored).ok());
  v1::ScoringConfig before;
  ASSERT_TRUE(
      stub_->GetScoringConfig(Context(reader_a_).get(), v1::GetScoringConfigRequest(), &before)
          .ok());
  ASSERT_EQ(before.version(), 1);

  *put.mutable_config() = before;
  put.set_expected_version(before.version());
  put.mutable_config()->mutable_clv()->set_horizon_months(2147483647);
  v1::ScoringConfig refused;
  const grpc::Status status = stub_->PutScoringConfig(Context(admin_a_).get(), put, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("config.clv.horizon_months: must be at most 120"),
            std::string::npos)
      << status.error_message();

  v1::ScoringConfig after;
  ASSERT_TRUE(
      stub_->GetScoringConfig(Context(reader_a_).get(), v1::GetScoringConfigRequest(), &after)
          .ok());
  EXPECT_EQ(after.SerializeAsString(), before.SerializeAsString());
  EXPECT_EQ(after.clv().horizon_months(), 24);
}

TEST_F(ScoringTest, BadConfigsAndRequestsNameTheFieldAndWriteNothing) {
  v1::ScoringConfig config;
  ASSERT_TRUE(
      stub_->GetScoringConfig(Context(reader_a_).get(), v1::GetScoringConfigRequest(), &config)
          .ok());
  v1::PutScoringConfigRequest put;
  *put.mutable_config() = config;
  put.mutable_config()->mutable_tiers()->set_t1_min_score(10);
  put.mutable_config()->mutable_tiers()->set_t2_min_score(40);
  put.mutable_config()->mutable_composite()->set_consumption_weight(0.9);
  v1::ScoringConfig stored;
  grpc::Status status = stub_->PutScoringConfig(Context(admin_a_).get(), put, &stored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("config.tiers.t1_min_score"), std::string::npos)
      << status.error_message();
  EXPECT_NE(status.error_message().find("config.composite"), std::string::npos)
      << status.error_message();

  *put.mutable_config() = config;
  put.mutable_config()->set_currency("XXY");
  status = stub_->PutScoringConfig(Context(admin_a_).get(), put, &stored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("config.currency"), std::string::npos);

  // A stale expected_version is refused.
  *put.mutable_config() = config;
  put.set_expected_version(3);
  EXPECT_EQ(stub_->PutScoringConfig(Context(admin_a_).get(), put, &stored).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  v1::ScoringConfig after;
  ASSERT_TRUE(
      stub_->GetScoringConfig(Context(reader_a_).get(), v1::GetScoringConfigRequest(), &after)
          .ok());
  EXPECT_EQ(after.version(), 0);  // nothing was stored

  v1::GetScoreRequest get;
  v1::Score score;
  status = stub_->GetScore(Context(reader_a_).get(), get, &score);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("client_id"), std::string::npos);

  v1::BatchRescoreRequest batch;
  batch.set_shard_count(4);
  batch.set_shard_index(4);
  auto context = Context(writer_a_);
  auto reader = stub_->BatchRescore(context.get(), batch);
  v1::BatchRescoreProgress progress;
  while (reader->Read(&progress)) {
  }
  status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("shard_index"), std::string::npos);

  v1::StreamScoresRequest stream;
  stream.add_tiers(static_cast<v1::Tier>(9));
  auto stream_context = Context(reader_a_);
  auto scores = stub_->StreamScores(stream_context.get(), stream);
  while (scores->Read(&score)) {
  }
  status = scores->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("tiers[0]"), std::string::npos);
}

TEST_F(ScoringTest, ATenantNeverSeesAnothersScores) {
  CreateClient("shared-id", writer_a_);
  RecordPurchase("t1", "shared-id", 10000, 3, writer_a_);
  WaitForScore("shared-id", reader_a_,
               [](const v1::Score& s) { return s.lifetime_purchases() == 1; });

  v1::GetScoreRequest get;
  get.set_client_id("shared-id");
  v1::Score score;
  EXPECT_EQ(stub_->GetScore(Context(writer_b_).get(), get, &score).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ScoreClientRequest rescore;
  rescore.set_client_id("shared-id");
  EXPECT_EQ(stub_->ScoreClient(Context(writer_b_).get(), rescore, &score).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ExplainScoreRequest explain;
  explain.set_client_id("shared-id");
  v1::ScoreExplanation explanation;
  EXPECT_EQ(stub_->ExplainScore(Context(writer_b_).get(), explain, &explanation).error_code(),
            grpc::StatusCode::NOT_FOUND);

  auto context = Context(writer_b_);
  auto stream = stub_->StreamScores(context.get(), v1::StreamScoresRequest());
  int seen = 0;
  while (stream->Read(&score)) {
    ++seen;
  }
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(seen, 0);

  v1::TierDistribution distribution;
  ASSERT_TRUE(stub_
                  ->GetTierDistribution(Context(writer_b_).get(), v1::GetTierDistributionRequest(),
                                        &distribution)
                  .ok());
  EXPECT_EQ(distribution.total_clients(), 0);

  // Tenant A streams its own.
  auto own_context = Context(reader_a_);
  auto own = stub_->StreamScores(own_context.get(), v1::StreamScoresRequest());
  seen = 0;
  while (own->Read(&score)) {
    EXPECT_EQ(score.client_id(), "shared-id");
    ++seen;
  }
  EXPECT_TRUE(own->Finish().ok());
  EXPECT_EQ(seen, 1);
}

// Runs BatchRescore to the end; returns the last progress message.
v1::BatchRescoreProgress RunBatch(v1::ScoringService::Stub& stub, grpc::ClientContext* context,
                                  const v1::BatchRescoreRequest& request, grpc::Status* status) {
  auto reader = stub.BatchRescore(context, request);
  v1::BatchRescoreProgress progress;
  v1::BatchRescoreProgress last;
  while (reader->Read(&progress)) {
    last = progress;
  }
  *status = reader->Finish();
  return last;
}

TEST_F(ScoringTest, ShardsTogetherRescoreEveryClientExactlyOnce) {
  for (int i = 0; i < 12; ++i) {
    CreateClient("s" + std::to_string(i), writer_a_);
    RecordPurchase("p" + std::to_string(i), "s" + std::to_string(i), 1000 * (i + 1), i + 1,
                   writer_a_);
  }
  WaitForScore("s11", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 1; });
  grpc::Status status;
  // Shards need the population statistics of an unsharded run (or refresh_population).
  v1::BatchRescoreRequest whole;
  auto context = Context(writer_a_);
  RunBatch(*stub_, context.get(), whole, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();

  int64_t scored = 0;
  for (int shard = 0; shard < 3; ++shard) {
    v1::BatchRescoreRequest request;
    request.set_shard_count(3);
    request.set_shard_index(shard);
    auto shard_context = Context(writer_a_);
    const v1::BatchRescoreProgress last = RunBatch(*stub_, shard_context.get(), request, &status);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_TRUE(last.done());
    EXPECT_EQ(last.scored(), last.total());
    scored += last.total();
  }
  EXPECT_EQ(scored, 12);  // each client in exactly one shard
}

TEST_F(ScoringTest, ChurnWarningsAreListedAndStreamScoresFilters) {
  // Low thresholds: every buyer is T1, so an inactive one is a T1 at risk.
  v1::ScoringConfig config;
  ASSERT_TRUE(
      stub_->GetScoringConfig(Context(reader_a_).get(), v1::GetScoringConfigRequest(), &config)
          .ok());
  config.mutable_tiers()->set_t1_min_score(2);
  config.mutable_tiers()->set_t2_min_score(1);
  v1::PutScoringConfigRequest put;
  *put.mutable_config() = config;
  v1::ScoringConfig stored;
  ASSERT_TRUE(stub_->PutScoringConfig(Context(admin_a_).get(), put, &stored).ok());

  CreateClient("active", writer_a_);
  CreateClient("lapsed", writer_a_);
  CreateClient("prospect", writer_a_);
  RecordPurchase("a1", "active", 50000, 2, writer_a_);
  RecordPurchase("l1", "lapsed", 50000, 200, writer_a_);
  RecordPurchase("l2", "lapsed", 50000, 120, writer_a_);
  const v1::Score lapsed = WaitForScore(
      "lapsed", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 2; });
  WaitForScore("active", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 1; });
  EXPECT_EQ(lapsed.tier(), v1::TIER_T1);
  EXPECT_TRUE(lapsed.churn_warning());
  EXPECT_FALSE(lapsed.churn_reason().empty());

  v1::ListChurnWarningsRequest list;
  v1::ListChurnWarningsResponse warnings;
  ASSERT_TRUE(stub_->ListChurnWarnings(Context(reader_a_).get(), list, &warnings).ok());
  ASSERT_EQ(warnings.scores_size(), 1);
  EXPECT_EQ(warnings.scores(0).client_id(), "lapsed");

  // Only T1 clients: the prospect (T3, no purchase) is left out.
  v1::StreamScoresRequest request;
  request.add_tiers(v1::TIER_T1);
  auto context = Context(reader_a_);
  auto stream = stub_->StreamScores(context.get(), request);
  std::vector<std::string> ids;
  v1::Score score;
  while (stream->Read(&score)) {
    ids.push_back(score.client_id());
  }
  ASSERT_TRUE(stream->Finish().ok());
  EXPECT_EQ(ids, (std::vector<std::string>{"active", "lapsed"}));
}

// StreamScorePages is StreamScores a page per message: the same scores in the same order, up to
// 1,000 a message, with the same filters, validation and tenant scope.
TEST_F(ScoringTest, StreamScorePagesSendsWhatStreamScoresSendsAPageAMessage) {
  constexpr int kClients = 1100;
  for (int i = 0; i < kClients; ++i) {
    pv1::ProfileEvent event;
    event.set_event_id(NewEventId());
    event.set_tenant_id(tenant_a_);
    char id[16];
    std::snprintf(id, sizeof id, "s-%04d", i);
    event.mutable_client_created()->mutable_client()->set_client_id(id);
    PublishProfileEvent(event);
  }
  const auto stream_all = [&](const v1::StreamScoresRequest& request) {
    std::vector<std::string> scores;
    auto context = Context(reader_a_);
    auto reader = stub_->StreamScores(context.get(), request);
    v1::Score score;
    while (reader->Read(&score)) {
      scores.push_back(score.SerializeAsString());
    }
    EXPECT_TRUE(reader->Finish().ok());
    return scores;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::vector<std::string> single = stream_all(v1::StreamScoresRequest());
  while (single.size() < kClients && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    single = stream_all(v1::StreamScoresRequest());
  }
  ASSERT_EQ(single.size(), static_cast<size_t>(kClients));

  const auto paged = [&](const std::string& key, const v1::StreamScoresRequest& request,
                         std::vector<int>* sizes, grpc::Status* status) {
    std::vector<std::string> scores;
    auto context = Context(key);
    auto reader = stub_->StreamScorePages(context.get(), request);
    v1::ScorePage page;
    while (reader->Read(&page)) {
      sizes->push_back(page.scores_size());
      for (const v1::Score& score : page.scores()) {
        scores.push_back(score.SerializeAsString());
      }
    }
    *status = reader->Finish();
    return scores;
  };
  std::vector<int> sizes;
  grpc::Status status;
  EXPECT_EQ(paged(reader_a_, v1::StreamScoresRequest(), &sizes, &status), single);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(sizes, (std::vector<int>{1000, 100}));

  v1::StreamScoresRequest resumed;
  resumed.set_after_client_id("s-0049");
  resumed.add_tiers(v1::TIER_T3);  // no purchase: every one of them is T3
  sizes.clear();
  EXPECT_EQ(paged(reader_a_, resumed, &sizes, &status),
            std::vector<std::string>(single.begin() + 50, single.end()));
  EXPECT_EQ(sizes, (std::vector<int>{1000, 50}));
  EXPECT_EQ(stream_all(resumed).size(), static_cast<size_t>(kClients - 50));
  resumed.set_tiers(0, v1::TIER_T1);
  sizes.clear();
  EXPECT_TRUE(paged(reader_a_, resumed, &sizes, &status).empty());
  EXPECT_TRUE(status.ok());
  EXPECT_TRUE(sizes.empty());  // no empty page

  v1::StreamScoresRequest bad;
  bad.add_quadrants(static_cast<v1::Quadrant>(99));
  EXPECT_TRUE(paged(reader_a_, bad, &sizes, &status).empty());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("quadrants[0]"), std::string::npos);

  EXPECT_TRUE(paged(writer_b_, v1::StreamScoresRequest(), &sizes, &status).empty());
  EXPECT_TRUE(status.ok());
}

TEST_F(ScoringTest, EventsAReplicaReadButNeverAcknowledgedAreTakenOverAndAppliedOnce) {
  CreateClient("c1", writer_a_);
  WaitForScore("c1", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 0; });
  // Another replica of scoring reads the next events and dies before acknowledging them.
  scoring_->consumer().Stop();
  RecordPurchase("t1", "c1", 10000, 3, writer_a_);
  RecordPurchase("t2", "c1", 20000, 1, writer_a_);
  RedisClient redis(testing::RedisFromEnv(), nullptr);
  StreamConsumer crashed(redis, "ct:events:profile", scoring_config_.consumer.group,
                         "crashed-replica", 60000);
  size_t taken = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (taken < 2 && std::chrono::steady_clock::now() < deadline) {
    for (const auto& entry : crashed.Read(100, 100)) {
      taken += entry.fields.at("tenant") == tenant_a_ ? 1 : 0;
    }
  }
  ASSERT_EQ(taken, 2u);

  // The surviving consumer claims them once they have been idle for claim_idle_ms.
  scoring_->consumer().Start();
  const v1::Score score =
      WaitForScore("c1", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 2; });
  EXPECT_EQ(score.lifetime_spend().units(), 30000);
}

TEST_F(ScoringTest, ProcessedEventIdsArePurgedOnlyPastTheRetention) {
  scoring_->consumer().Stop();  // its own hourly purge would race the one under test
  const UnixMicros now = SystemClock().Now();
  scoring_->pool().WithConnection([&](sql::Connection& connection) {
    ASSERT_TRUE(MarkEventProcessed(connection, "00000000-0000-4000-8000-000000000001", tenant_a_,
                                   now - 9 * kMicrosPerDay));
    ASSERT_TRUE(MarkEventProcessed(connection, "00000000-0000-4000-8000-000000000002", tenant_a_,
                                   now - 7 * kMicrosPerDay));
    EXPECT_EQ(PurgeProcessedEvents(connection, now - 8 * kMicrosPerDay), 1);
    // The recent one is still known: a replay inside the window is still recognised.
    EXPECT_FALSE(
        MarkEventProcessed(connection, "00000000-0000-4000-8000-000000000002", tenant_a_, now));
    EXPECT_TRUE(
        MarkEventProcessed(connection, "00000000-0000-4000-8000-000000000001", tenant_a_, now));
  });
}

}  // namespace
}  // namespace clienttier::scoring
