#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "clienttier/scoring/v1/scoring_service.grpc.pb.h"
#include "services/scoring/clients/referral_propagation_client.h"
#include "services/scoring/scoring_app.h"
#include "tests/integration/referral/referral_fixture.h"

namespace clienttier::referral {
namespace {

namespace sv1 = ::clienttier::scoring::v1;

using PropagationTest = ReferralFixture;

TEST_F(PropagationTest, AServiceKeyActsOnlyForTheTenantItNames) {
  ASSERT_TRUE(Register(IssueCode("alice", writer_a_), "bob", writer_a_).ok());
  v1::GetPropagationRequest request;
  request.add_client_ids("alice");
  v1::GetPropagationResponse response;
  grpc::ClientContext without_tenant;
  without_tenant.AddMetadata("x-api-key", service_key_);
  EXPECT_EQ(stub_->GetPropagation(&without_tenant, request, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  grpc::ClientContext for_a;
  for_a.AddMetadata("x-api-key", service_key_);
  for_a.AddMetadata("x-tenant-id", tenant_a_);
  ASSERT_TRUE(stub_->GetPropagation(&for_a, request, &response).ok());
  EXPECT_EQ(response.clients(0).registered(), 1);
  grpc::ClientContext for_b;
  for_b.AddMetadata("x-api-key", service_key_);
  for_b.AddMetadata("x-tenant-id", tenant_b_);
  ASSERT_TRUE(stub_->GetPropagation(&for_b, request, &response).ok());
  EXPECT_EQ(response.clients(0).registered(), 0);
  // A service key is a reader: it cannot write for any tenant.
  v1::IssueCodeRequest issue;
  issue.set_client_id("mallory");
  v1::ReferralCode code;
  grpc::ClientContext writing;
  writing.AddMetadata("x-api-key", service_key_);
  writing.AddMetadata("x-tenant-id", tenant_a_);
  EXPECT_EQ(stub_->IssueCode(&writing, issue, &code).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// ListPropagation: a range's referrers only (registered referees, or invitations sent), in
// client id order, paged, for the caller's tenant only; a bad range names its field.
TEST_F(PropagationTest, ListPropagationListsARangesReferrersInIdOrderAndPages) {
  ASSERT_TRUE(Register(IssueCode("alice", writer_a_), "bob", writer_a_).ok());
  ASSERT_TRUE(Register(IssueCode("alice", writer_a_), "carol", writer_a_).ok());
  IssueCode("dave", writer_a_);  // a code, nobody referred: not a referrer yet
  v1::RecordInvitationsRequest invitations;
  invitations.set_client_id("erin");
  invitations.set_count(4);
  invitations.set_idempotency_key("share-1");
  v1::RecordInvitationsResponse invited;
  ASSERT_TRUE(stub_->RecordInvitations(Context(writer_a_).get(), invitations, &invited).ok());
  ASSERT_TRUE(Register(IssueCode("zoe", writer_b_), "yan", writer_b_).ok());  // tenant b

  const auto list = [&](const std::string& after, const std::string& last, int page_size,
                        const std::string& key, v1::ListPropagationResponse* response) {
    v1::ListPropagationRequest request;
    request.set_after_client_id(after);
    request.set_last_client_id(last);
    request.set_page_size(page_size);
    response->Clear();
    return stub_->ListPropagation(Context(key).get(), request, response);
  };
  const auto ids = [](const v1::ListPropagationResponse& response) {
    std::vector<std::string> listed;
    for (const v1::Propagation& client : response.clients()) {
      listed.push_back(client.client_id());
    }
    return listed;
  };
  v1::ListPropagationResponse response;
  ASSERT_TRUE(list("", "", 0, reader_a_, &response).ok());
  EXPECT_EQ(ids(response), (std::vector<std::string>{"alice", "erin"}));
  EXPECT_EQ(response.clients(0).registered(), 2);
  EXPECT_EQ(response.clients(1).invitations_sent(), 4);
  EXPECT_EQ(response.next_after_client_id(), "");
  // The range's ends: after is exclusive, last inclusive.
  ASSERT_TRUE(list("alice", "", 0, reader_a_, &response).ok());
  EXPECT_EQ(ids(response), (std::vector<std::string>{"erin"}));
  ASSERT_TRUE(list("", "erin", 0, reader_a_, &response).ok());
  EXPECT_EQ(ids(response), (std::vector<std::string>{"alice", "erin"}));
  ASSERT_TRUE(list("", "dave", 0, reader_a_, &response).ok());
  EXPECT_EQ(ids(response), (std::vector<std::string>{"alice"}));
  // Pages of one.
  ASSERT_TRUE(list("", "", 1, reader_a_, &response).ok());
  EXPECT_EQ(ids(response), (std::vector<std::string>{"alice"}));
  ASSERT_EQ(response.next_after_client_id(), "alice");
  ASSERT_TRUE(list("alice", "", 1, reader_a_, &response).ok());
  EXPECT_EQ(ids(response), (std::vector<std::string>{"erin"}));
  ASSERT_EQ(response.next_after_client_id(), "erin");
  ASSERT_TRUE(list("erin", "", 1, reader_a_, &response).ok());
  EXPECT_TRUE(ids(response).empty());
  EXPECT_EQ(response.next_after_client_id(), "");
  // The other tenant's referrer only.
  ASSERT_TRUE(list("", "", 0, writer_b_, &response).ok());
  EXPECT_EQ(ids(response), (std::vector<std::string>{"zoe"}));

  grpc::Status status = list("erin", "alice", 0, reader_a_, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("last_client_id"), std::string::npos)
      << status.error_message();
  status = list("", "", 10001, reader_a_, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("page_size"), std::string::npos) << status.error_message();
}

// A referral of an earlier release: GetPropagation only (ListPropagation answers UNIMPLEMENTED,
// gRPC's default).
class ReferralWithoutListPropagation final : public v1::ReferralService::Service {
 public:
  grpc::Status GetPropagation(grpc::ServerContext* /*context*/,
                              const v1::GetPropagationRequest* request,
                              v1::GetPropagationResponse* response) override {
    for (const std::string& id : request->client_ids()) {
      v1::Propagation* client = response->add_clients();
      client->set_client_id(id);
      client->set_registered(id == "alice" ? 2 : 0);
    }
    return grpc::Status::OK;
  }
};

// Scoring's client of both RPCs over real gRPC: a range from this fixture's referral; from a
// referral without ListPropagation, nothing for the range but no pause either, so the ids asked
// next (BatchRescore's fallback) are answered.
TEST_F(PropagationTest, ScoringsClientListsARangeOrFallsBackToIdsOnAnOlderReferral) {
  ASSERT_TRUE(Register(IssueCode("alice", writer_a_), "bob", writer_a_).ok());
  MetricsRegistry metrics;
  scoring::ReferralClientOptions options;
  options.target = "127.0.0.1:" + std::to_string(referral_port_);
  options.api_key = service_key_;
  options.deadline_ms = 5000;
  scoring::ReferralPropagationClient current(options, metrics);
  const std::optional<scoring::ReferralCountsById> range =
      current.FetchRange(tenant_a_, "", std::nullopt);
  ASSERT_TRUE(range.has_value());
  ASSERT_EQ(range->size(), 1u);
  EXPECT_EQ(range->at("alice").sent, 1);

  ReferralWithoutListPropagation old_referral;
  grpc::ServerBuilder builder;
  int old_port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &old_port);
  builder.RegisterService(&old_referral);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  options.target = "127.0.0.1:" + std::to_string(old_port);
  scoring::ReferralPropagationClient older(options, metrics);
  EXPECT_FALSE(older.FetchRange(tenant_a_, "", std::nullopt).has_value());
  const std::optional<scoring::ReferralCountsById> by_id = older.Fetch(tenant_a_, {"alice", "bob"});
  ASSERT_TRUE(by_id.has_value());
  EXPECT_EQ(by_id->at("alice").sent, 2);
  EXPECT_EQ(metrics.GetCounter("ct_scoring_propagation_fallback_total", "").value(), 0u);
  server->Shutdown();
}

// A real scoring service that asks this fixture's referral for propagation counts.
scoring::ScoringAppConfig ScoringConfigFor(const ServerConfig& server, int referral_port,
                                           const std::string& service_key) {
  scoring::ScoringAppConfig config;
  config.server = server;
  config.mysql = testing::MySqlFromEnv(testing::UniqueDatabaseName("rf_scoring"));
  config.redis = testing::RedisFromEnv();
  config.consumer.group = "scoring-rf-" + testing::UniqueSuffix();
  config.consumer.start_id = "$";
  config.consumer.consumer_name = "test-consumer";
  config.referral.target = "127.0.0.1:" + std::to_string(referral_port);
  config.referral.api_key = service_key;
  config.referral.deadline_ms = 500;
  return config;
}

// That scoring started on loopback, with a stub to call it.
struct RunningScoring {
  std::unique_ptr<scoring::ScoringApp> app;
  std::unique_ptr<sv1::ScoringService::Stub> stub;
};

RunningScoring StartScoring(const ServerConfig& server, int referral_port,
                            const std::string& service_key) {
  const scoring::ScoringAppConfig config = ScoringConfigFor(server, referral_port, service_key);
  scoring::ScoringApp::Migrate(config.mysql);
  RunningScoring running;
  running.app = std::make_unique<scoring::ScoringApp>(config);
  const int port = running.app->Start();
  running.stub = sv1::ScoringService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  return running;
}

// Scoring asks referral for the propagation counts when it scores a client now, and keeps the
// last counts it stored when referral is down.
TEST_F(PropagationTest, ScoringUsesReferralAndFallsBackWhenItIsDown) {
  RunningScoring scoring = StartScoring(server_config(16), referral_port_, service_key_);
  const auto& scoring_stub = scoring.stub;

  RecordPurchase("alice-1", "alice", 20000, writer_a_);
  ASSERT_TRUE(Register(IssueCode("alice", writer_a_), "bob", writer_a_).ok());
  RecordPurchase("bob-1", "bob", 30000, writer_a_);
  WaitForConversion("bob", reader_a_);

  const auto score_now = [&](sv1::Score* score) {
    sv1::ScoreClientRequest request;
    request.set_client_id("alice");
    return scoring_stub->ScoreClient(Context(writer_a_).get(), request, score);
  };
  // Scoring learns of alice through the stream; then scores her with referral's counts.
  sv1::Score score;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (!score_now(&score).ok() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(score_now(&score).ok());
  // One converted referee (10 points) and one sent (3): contributor, index 100*13/33 = 39.
  EXPECT_EQ(score.propagation_tier(), sv1::PROPAGATION_TIER_CONTRIBUTOR);
  EXPECT_EQ(score.propagation_index(), 39);

  const auto fallbacks = [&] {
    return scoring.app->metrics().GetCounter("ct_scoring_propagation_fallback_total", "").value();
  };
  const uint64_t before = fallbacks();
  referral_->Stop();
  referral_.reset();
  sv1::Score fallback;
  ASSERT_TRUE(score_now(&fallback).ok());
  EXPECT_GT(fallbacks(), before);
  EXPECT_EQ(fallback.propagation_tier(), sv1::PROPAGATION_TIER_CONTRIBUTOR);
  EXPECT_EQ(fallback.propagation_index(), 39);
  scoring.app->Stop();
}

// Scoring follows ct:events:referral: a registration and then a conversion rescore the referrer
// with referral's counts, with nobody calling ScoreClient or BatchRescore.
TEST_F(PropagationTest, AConversionRescoresTheReferrerThroughTheReferralStream) {
  RunningScoring scoring = StartScoring(server_config(16), referral_port_, service_key_);
  const auto& scoring_stub = scoring.stub;
  const auto stored_score = [&](const std::string& client_id, sv1::Score* score) {
    sv1::GetScoreRequest request;
    request.set_client_id(client_id);
    return scoring_stub->GetScore(Context(reader_a_).get(), request, score);
  };
  // Polls the stored score (bounded, 15 s) until `done` holds; returns the last one read.
  const auto wait_for = [&](const std::string& client_id, auto done) {
    sv1::Score score;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (!(stored_score(client_id, &score).ok() && done(score)) &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return score;
  };

  RecordPurchase("carol-1", "carol", 20000, writer_a_);
  // Scoring knows carol (from ct:events:profile) before anyone registers with her code.
  const sv1::Score known = wait_for("carol", [](const sv1::Score&) { return true; });
  ASSERT_EQ(known.propagation_index(), 0);

  ASSERT_TRUE(Register(IssueCode("carol", writer_a_), "dave", writer_a_).ok());
  const sv1::Score registered =
      wait_for("carol", [](const sv1::Score& score) { return score.propagation_index() > 0; });
  EXPECT_EQ(registered.propagation_tier(), sv1::PROPAGATION_TIER_CONTRIBUTOR);

  RecordPurchase("dave-1", "dave", 30000, writer_a_);
  WaitForConversion("dave", reader_a_);
  // One converted referee (10 points) and one sent (3): index 100*13/33 = 39.
  const sv1::Score converted =
      wait_for("carol", [](const sv1::Score& score) { return score.propagation_index() == 39; });
  EXPECT_EQ(converted.propagation_index(), 39);
  EXPECT_EQ(converted.propagation_tier(), sv1::PROPAGATION_TIER_CONTRIBUTOR);
  EXPECT_GE(
      scoring.app->metrics().GetCounter("ct_scoring_referral_events_applied_total", "").value(),
      2u);
  scoring.app->Stop();
}

// One definition of the propagation tier (scoring's): referral's GetPropagation and scoring's
// score agree on either side of the spreader boundary (two and three converted referees) and at
// the first referral. Before the rule had one owner, referral said spreader at two.
TEST_F(PropagationTest, ReferralAndScoringAgreeOnTheTierAtItsBoundaries) {
  RunningScoring scoring = StartScoring(server_config(16), referral_port_, service_key_);
  const auto& scoring_stub = scoring.stub;

  const auto propagation_of = [&](const std::string& client_id) {
    v1::GetPropagationRequest request;
    request.add_client_ids(client_id);
    v1::GetPropagationResponse response;
    EXPECT_TRUE(stub_->GetPropagation(Context(reader_a_).get(), request, &response).ok());
    return response.clients(0);
  };
  const auto score_of = [&](const std::string& client_id) {
    sv1::ScoreClientRequest request;
    request.set_client_id(client_id);
    sv1::Score score;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    grpc::Status status;
    while (!(status = scoring_stub->ScoreClient(Context(writer_a_).get(), request, &score)).ok() &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_TRUE(status.ok()) << status.error_message();
    return score;
  };
  const auto expect_agree = [&](const std::string& client_id, sv1::PropagationTier expected) {
    const v1::Propagation shown = propagation_of(client_id);
    const sv1::Score scored = score_of(client_id);
    EXPECT_EQ(static_cast<int>(shown.tier()), static_cast<int>(expected)) << client_id;
    EXPECT_EQ(scored.propagation_tier(), expected) << client_id;
    EXPECT_EQ(static_cast<int>(scored.propagation_index()), shown.index()) << client_id;
  };

  RecordPurchase("ann-1", "ann", 20000, writer_a_);
  const std::string code = IssueCode("ann", writer_a_);
  const std::vector<std::string> referees = {"ben", "cat", "dan"};
  for (const std::string& referee : referees) {
    ASSERT_TRUE(Register(code, referee, writer_a_).ok()) << referee;
  }
  expect_agree("ann", sv1::PROPAGATION_TIER_CONTRIBUTOR);  // referred, nobody converted
  for (size_t i = 0; i < referees.size(); ++i) {
    RecordPurchase(referees[i] + "-1", referees[i], 30000, writer_a_);
    WaitForConversion(referees[i], reader_a_);
    expect_agree("ann",
                 i + 1 < 3 ? sv1::PROPAGATION_TIER_CONTRIBUTOR : sv1::PROPAGATION_TIER_SPREADER);
  }
  scoring.app->Stop();
}

}  // namespace
}  // namespace clienttier::referral
