// The campaign service on the real stack: profile -> scoring -> campaign.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/db/mysql_pool.h"
#include "common/db/sql_helpers.h"
#include "services/campaign/domain/holdout.h"
#include "tests/integration/campaign/campaign_fixture.h"

namespace clienttier::campaign {
namespace {

std::string Id(const std::string& prefix, int i) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%s-%03d", prefix.c_str(), i);
  return buffer;
}

class CampaignTest : public CampaignFixture {};

TEST_F(CampaignTest, LaunchLeavesOutClientsWithoutConsentAndCapsHoldAcrossCampaigns) {
  // 40 scored buyers: a quarter without email consent (half withdrawn, half never asked).
  std::vector<std::string> ids;
  std::set<std::string> without_consent;
  for (int i = 0; i < 40; ++i) {
    TestClient client{Id("c", i), true, "north", {}};
    if (i % 4 == 0) {
      client.email_consent = i % 8 == 0 ? std::optional<bool>(false) : std::nullopt;
      without_consent.insert(client.client_id);
    }
    CreateClient(client, writer_a_);
    RecordPurchase("p-" + client.client_id, client.client_id, 10000 + i, 1, writer_a_);
    ids.push_back(client.client_id);
  }
  WaitForScores(ids, reader_a_);
  PutSettings({{1, 7}}, "", "");
  const v1::SyncMembersResponse synced = Sync(admin_a_);
  EXPECT_EQ(synced.scores(), 40);
  EXPECT_EQ(synced.clients(), 40);
  EXPECT_EQ(synced.members(), 40);

  CreateSegment("buyers", "lifetime_purchases >= 1 and region = \"north\"", writer_a_);
  CreateCampaign("spring", "buyers", 2000, writer_a_);
  v1::SimulateCampaignRequest simulate;
  simulate.set_campaign_id("spring");
  v1::AudienceSummary simulated;
  ASSERT_TRUE(stub_->SimulateCampaign(Context(reader_a_).get(), simulate, &simulated).ok());

  // The holdout is drawn by the documented hash from the clients the campaign could contact.
  int64_t expected_holdout = 0;
  for (const std::string& id : ids) {
    expected_holdout += without_consent.count(id) == 0 && InHoldout("spring", id, 2000) ? 1 : 0;
  }
  EXPECT_EQ(simulated.candidates(), 40);
  EXPECT_EQ(simulated.excluded_no_consent(), 10);
  EXPECT_EQ(simulated.holdout(), expected_holdout);
  EXPECT_EQ(simulated.treatment(), 30 - expected_holdout);
  EXPECT_EQ(simulated.excluded_frequency_cap(), 0);

  // Simulating wrote nothing: the launch finds the same audience.
  const v1::Campaign spring = Launch("spring", writer_a_);
  EXPECT_EQ(spring.state(), v1::CAMPAIGN_STATE_LAUNCHED);
  EXPECT_EQ(spring.audience().treatment(), simulated.treatment());
  EXPECT_EQ(spring.audience().holdout(), simulated.holdout());
  EXPECT_EQ(spring.audience().excluded_no_consent(), 10);
  EXPECT_EQ(spring.launched_rule(), "lifetime_purchases >= 1 and region = \"north\"");
  // Launching again is a retry: nothing is added.
  EXPECT_EQ(Launch("spring", writer_a_).audience().treatment(), simulated.treatment());

  for (const std::string& id : without_consent) {
    v1::RecordOutcomeResponse response;
    EXPECT_EQ(Outcome("spring", id, "o-" + id, true, 100, writer_a_, &response).error_code(),
              grpc::StatusCode::FAILED_PRECONDITION)
        << id << " has no email consent and must not be in the audience";
  }

  // At most one contact in 7 days: a second campaign reaches only spring's holdout.
  CreateCampaign("summer", "buyers", 0, writer_a_);
  const v1::Campaign summer = Launch("summer", writer_a_);
  EXPECT_EQ(summer.audience().excluded_no_consent(), 10);
  EXPECT_EQ(summer.audience().excluded_frequency_cap(), spring.audience().treatment());
  EXPECT_EQ(summer.audience().treatment(), spring.audience().holdout());
  for (const std::string& id : ids) {
    if (without_consent.count(id) != 0) {
      continue;
    }
    const bool held_out_of_spring = InHoldout("spring", id, 2000);
    EXPECT_EQ(GroupOf("spring", id, writer_a_),
              held_out_of_spring ? v1::AUDIENCE_GROUP_HOLDOUT : v1::AUDIENCE_GROUP_TREATMENT);
    v1::RecordOutcomeResponse response;
    const grpc::Status in_summer =
        Outcome("summer", id, "probe-" + id, false, 0, writer_a_, &response);
    EXPECT_EQ(in_summer.ok(), held_out_of_spring) << id;
  }
}

// SyncMembers copies what changed only: a sync of unchanged scores and profiles leaves every
// member row as it was (its revision too, so snapshots reload nothing), and a score computed
// since is copied with a new revision.
TEST_F(CampaignTest, ASyncRewritesOnlyTheMembersWhoseScoreOrProfileChanged) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    CreateClient(TestClient{Id("m", i), true, "north", {}}, writer_a_);
    RecordPurchase("p-" + Id("m", i), Id("m", i), 10000 + i, 1, writer_a_);
    ids.push_back(Id("m", i));
  }
  WaitForScores(ids, reader_a_);
  ASSERT_EQ(Sync(admin_a_).members(), 5);
  MySqlPool pool(campaign_config_.mysql, nullptr);
  // client id -> (revision, score as_of) of the tenant's member rows.
  const auto rows = [&] {
    std::map<std::string, std::pair<int64_t, int64_t>> members;
    pool.WithConnection([&](sql::Connection& connection) {
      auto select = Prepare(connection,
                            "SELECT client_id, revision, score_as_of FROM members"
                            " WHERE tenant_id = ?");
      select->setString(1, tenant_a_);
      for (auto row = Query(*select); row->next();) {
        members[row->getString(1)] = {row->getInt64(2), row->getInt64(3)};
      }
    });
    return members;
  };
  const auto first = rows();
  ASSERT_EQ(first.size(), 5u);

  // Scoring may store a newer score for a client meanwhile (a read of its events that came back
  // full queues it, and the queue scores it again; other tests' events share the stream): such
  // a member is rewritten, and only such a member.
  const auto rewritten_only_if_rescored = [&](const auto& now, const std::string& changed) {
    ASSERT_EQ(now.size(), 5u);
    for (const auto& [client_id, member] : now) {
      const auto& [revision, as_of] = member;
      if (client_id == changed) {
        continue;
      }
      if (as_of == first.at(client_id).second) {
        EXPECT_EQ(revision, first.at(client_id).first) << client_id << " rewritten unchanged";
      } else {
        EXPECT_GT(as_of, first.at(client_id).second) << client_id;
        EXPECT_GT(revision, first.at(client_id).first) << client_id;
      }
    }
  };
  const v1::SyncMembersResponse again = Sync(admin_a_);
  EXPECT_EQ(again.scores(), 5);
  EXPECT_EQ(again.clients(), 5);
  rewritten_only_if_rescored(rows(), "");

  sv1::ScoreClientRequest rescore;
  rescore.set_client_id(Id("m", 2));
  sv1::Score rescored;
  ASSERT_TRUE(scoring_stub_->ScoreClient(Context(writer_a_).get(), rescore, &rescored).ok());
  Sync(admin_a_);
  const auto after = rows();
  rewritten_only_if_rescored(after, Id("m", 2));
  const auto& [revision, as_of] = after.at(Id("m", 2));
  EXPECT_GT(revision, first.at(Id("m", 2)).first);
  EXPECT_EQ(as_of, FromProtoTimestamp(rescored.as_of()));
  EXPECT_GT(as_of, first.at(Id("m", 2)).second);
}

TEST_F(CampaignTest, RelaunchKeepsEveryPlacedClientInItsGroup) {
  PutSettings({{100, 7}}, "", "");
  for (int i = 0; i < 30; ++i) {
    CreateClient({Id("r", i), true, "harbour", {}}, writer_a_);
  }
  const std::string rule = "region = \"harbour\"";
  WaitForPreview(rule, reader_a_, [](const v1::SegmentPreview& p) { return p.members() == 30; });
  CreateSegment("harbour", rule, writer_a_);
  CreateCampaign("autumn", "harbour", 3000, writer_a_);
  const v1::Campaign first = Launch("autumn", writer_a_);
  EXPECT_EQ(first.audience().treatment() + first.audience().holdout(), 30);

  v1::PauseCampaignRequest pause;
  pause.set_campaign_id("autumn");
  v1::Campaign paused;
  ASSERT_TRUE(stub_->PauseCampaign(Context(writer_a_).get(), pause, &paused).ok());
  EXPECT_EQ(paused.state(), v1::CAMPAIGN_STATE_PAUSED);

  // Ten more clients arrive through ct:events:profile while it is paused.
  for (int i = 30; i < 40; ++i) {
    CreateClient({Id("r", i), true, "harbour", {}}, writer_a_);
  }
  WaitForPreview(rule, reader_a_, [](const v1::SegmentPreview& p) { return p.members() == 40; });
  const v1::Campaign second = Launch("autumn", writer_a_);
  EXPECT_EQ(second.state(), v1::CAMPAIGN_STATE_LAUNCHED);
  EXPECT_EQ(second.audience().candidates(), 40);
  EXPECT_EQ(second.audience().treatment() + second.audience().holdout(), 40);
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(GroupOf("autumn", Id("r", i), writer_a_), InHoldout("autumn", Id("r", i), 3000)
                                                            ? v1::AUDIENCE_GROUP_HOLDOUT
                                                            : v1::AUDIENCE_GROUP_TREATMENT)
        << Id("r", i);
  }
}

TEST_F(CampaignTest, RecordOutcomesRecordsABatchOnceAndRefusesAMalformedOneWhole) {
  PutSettings({{100, 7}}, "", "");
  for (int i = 0; i < 10; ++i) {
    CreateClient({Id("b", i), true, "bay", {}}, writer_a_);
  }
  const std::string rule = "region = \"bay\"";
  WaitForPreview(rule, reader_a_, [](const v1::SegmentPreview& p) { return p.members() == 10; });
  CreateSegment("bay", rule, writer_a_);
  CreateCampaign("winter", "bay", 3000, writer_a_);
  Launch("winter", writer_a_);

  // Each client converted for 1.00 CNY; the last outcome is of a stranger.
  v1::RecordOutcomesRequest request;
  for (int i = 0; i <= 10; ++i) {
    v1::RecordOutcomeRequest& outcome = *request.add_outcomes();
    outcome.set_campaign_id("winter");
    outcome.set_client_id(i < 10 ? Id("b", i) : "stranger");
    outcome.set_idempotency_key("booking-" + outcome.client_id());
    outcome.set_converted(true);
    outcome.mutable_revenue()->set_units(100);
    outcome.mutable_revenue()->set_currency("CNY");
  }
  const auto report = [&] {
    v1::GetCampaignReportRequest get;
    get.set_campaign_id("winter");
    v1::CampaignReport out;
    EXPECT_TRUE(stub_->GetCampaignReport(Context(reader_a_).get(), get, &out).ok());
    return out;
  };

  // One malformed outcome: INVALID_ARGUMENT naming it, and none of the others recorded.
  v1::RecordOutcomesRequest malformed = request;
  malformed.mutable_outcomes(3)->set_client_id("");
  v1::RecordOutcomesResponse response;
  grpc::Status status = stub_->RecordOutcomes(Context(writer_a_).get(), malformed, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("outcomes[3].client_id"), std::string::npos)
      << status.error_message();
  EXPECT_EQ(report().treatment().conversions() + report().holdout().conversions(), 0);

  status = stub_->RecordOutcomes(Context(writer_a_).get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.results_size(), 11);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(response.results(i).status_code(), 0) << response.results(i).status_message();
    EXPECT_FALSE(response.results(i).recorded().duplicate());
    EXPECT_EQ(response.results(i).recorded().group(), InHoldout("winter", Id("b", i), 3000)
                                                          ? v1::AUDIENCE_GROUP_HOLDOUT
                                                          : v1::AUDIENCE_GROUP_TREATMENT);
  }
  EXPECT_EQ(response.results(10).status_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(response.results(10).status_message().find("stranger"), std::string::npos);
  v1::CampaignReport counted = report();
  EXPECT_EQ(counted.treatment().conversions() + counted.holdout().conversions(), 10);
  EXPECT_EQ(counted.treatment().revenue().units() + counted.holdout().revenue().units(), 1000);

  // Retried: every outcome a duplicate, the report unchanged.
  status = stub_->RecordOutcomes(Context(writer_a_).get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(response.results(i).recorded().duplicate()) << i;
  }
  counted = report();
  EXPECT_EQ(counted.treatment().conversions() + counted.holdout().conversions(), 10);
  EXPECT_EQ(counted.treatment().revenue().units() + counted.holdout().revenue().units(), 1000);

  // Neither an empty call nor more than 1,000 outcomes; a reader may not record.
  status = stub_->RecordOutcomes(Context(writer_a_).get(), v1::RecordOutcomesRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::RecordOutcomesRequest too_many;
  for (int i = 0; i < 1001; ++i) {
    *too_many.add_outcomes() = request.outcomes(0);
  }
  status = stub_->RecordOutcomes(Context(writer_a_).get(), too_many, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("outcomes"), std::string::npos);
  status = stub_->RecordOutcomes(Context(reader_a_).get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(CampaignTest, ALargeBatchAndItsConcurrentTwinsRecordEachKeyOnce) {
  PutSettings({{100, 7}}, "", "");
  constexpr int kMembers = 600;  // past one IN list and one INSERT of the repositories (500)
  for (int i = 0; i < kMembers; ++i) {
    CreateClient({Id("m", i), true, "moor", {}}, writer_a_);
  }
  const std::string rule = "region = \"moor\"";
  WaitForPreview(rule, reader_a_,
                 [](const v1::SegmentPreview& p) { return p.members() == kMembers; });
  CreateSegment("moor", rule, writer_a_);
  CreateCampaign("spring", "moor", 3000, writer_a_);
  Launch("spring", writer_a_);
  const auto outcome = [](const std::string& key, int member) {
    v1::RecordOutcomeRequest out;
    out.set_campaign_id("spring");
    out.set_client_id(Id("m", member));
    out.set_idempotency_key(key + "-" + out.client_id());
    out.set_converted(true);
    out.mutable_revenue()->set_units(100);
    out.mutable_revenue()->set_currency("CNY");
    return out;
  };

  // Every member once, then the first 100 again in the same call: those are duplicates.
  v1::RecordOutcomesRequest contacts;
  for (int i = 0; i < kMembers + 100; ++i) {
    *contacts.add_outcomes() = outcome("contact", i % kMembers);
    contacts.mutable_outcomes(i)->set_converted(false);
    contacts.mutable_outcomes(i)->clear_revenue();
  }
  v1::RecordOutcomesResponse response;
  grpc::Status status = stub_->RecordOutcomes(Context(writer_a_).get(), contacts, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.results_size(), kMembers + 100);
  for (int i = 0; i < kMembers + 100; ++i) {
    ASSERT_EQ(response.results(i).status_code(), 0) << response.results(i).status_message();
    EXPECT_EQ(response.results(i).recorded().duplicate(), i >= kMembers) << i;
    EXPECT_EQ(response.results(i).recorded().group(),
              InHoldout("spring", Id("m", i % kMembers), 3000) ? v1::AUDIENCE_GROUP_HOLDOUT
                                                               : v1::AUDIENCE_GROUP_TREATMENT);
  }

  // Four identical calls at once: each booking is recorded by exactly one of them.
  v1::RecordOutcomesRequest bookings;
  for (int i = 0; i < kMembers; ++i) {
    *bookings.add_outcomes() = outcome("booking", i);
  }
  std::vector<v1::RecordOutcomesResponse> responses(4);
  std::vector<grpc::Status> statuses(4);
  std::vector<std::thread> callers;
  for (size_t c = 0; c < responses.size(); ++c) {
    callers.emplace_back([&, c] {
      statuses[c] = stub_->RecordOutcomes(Context(writer_a_).get(), bookings, &responses[c]);
    });
  }
  for (std::thread& caller : callers) {
    caller.join();
  }
  std::vector<int> recorded(kMembers, 0);
  for (size_t c = 0; c < responses.size(); ++c) {
    ASSERT_TRUE(statuses[c].ok()) << statuses[c].error_message();
    ASSERT_EQ(responses[c].results_size(), kMembers);
    for (int i = 0; i < kMembers; ++i) {
      recorded[static_cast<size_t>(i)] += responses[c].results(i).recorded().duplicate() ? 0 : 1;
    }
  }
  EXPECT_EQ(recorded, std::vector<int>(kMembers, 1));
  v1::GetCampaignReportRequest get;
  get.set_campaign_id("spring");
  v1::CampaignReport report;
  ASSERT_TRUE(stub_->GetCampaignReport(Context(reader_a_).get(), get, &report).ok());
  EXPECT_EQ(report.treatment().conversions() + report.holdout().conversions(), kMembers);
  EXPECT_EQ(report.treatment().revenue().units() + report.holdout().revenue().units(),
            100 * kMembers);
}

TEST_F(CampaignTest, ReportMatchesAHandComputation) {
  PutSettings({{100, 7}}, "", "");
  // Four treatment and four holdout members at a 50% holdout, chosen by the hash.
  std::vector<std::string> treatment;
  std::vector<std::string> holdout;
  for (int i = 0; treatment.size() < 4 || holdout.size() < 4; ++i) {
    const std::string id = Id("w", i);
    auto& group = InHoldout("winter", id, 5000) ? holdout : treatment;
    if (group.size() < 4) {
      group.push_back(id);
      CreateClient({id, true, "west", {}}, writer_a_);
    }
  }
  WaitForPreview("region = \"west\"", reader_a_,
                 [](const v1::SegmentPreview& p) { return p.members() == 8; });
  CreateSegment("west", "region = \"west\"", writer_a_);
  CreateCampaign("winter", "west", 5000, writer_a_);
  Launch("winter", writer_a_);

  v1::RecordOutcomeResponse response;
  // Treatment: 2 of 4 convert, one of them twice (120.00 + 30.00), the other 50.00.
  ASSERT_TRUE(Outcome("winter", treatment[0], "t0-a", true, 12000, writer_a_, &response).ok());
  EXPECT_EQ(response.group(), v1::AUDIENCE_GROUP_TREATMENT);
  EXPECT_FALSE(response.duplicate());
  ASSERT_TRUE(Outcome("winter", treatment[0], "t0-b", true, 3000, writer_a_, &response).ok());
  ASSERT_TRUE(Outcome("winter", treatment[1], "t1-a", true, 5000, writer_a_, &response).ok());
  ASSERT_TRUE(Outcome("winter", treatment[2], "t2-a", false, 0, writer_a_, &response).ok());
  // Holdout: 1 of 4 converts, 40.00.
  ASSERT_TRUE(Outcome("winter", holdout[0], "h0-a", true, 4000, writer_a_, &response).ok());
  EXPECT_EQ(response.group(), v1::AUDIENCE_GROUP_HOLDOUT);
  // A retry records nothing.
  ASSERT_TRUE(Outcome("winter", treatment[1], "t1-a", true, 5000, writer_a_, &response).ok());
  EXPECT_TRUE(response.duplicate());

  v1::GetCampaignReportRequest request;
  request.set_campaign_id("winter");
  v1::CampaignReport report;
  ASSERT_TRUE(stub_->GetCampaignReport(Context(reader_a_).get(), request, &report).ok());
  EXPECT_EQ(report.treatment().members(), 4);
  EXPECT_EQ(report.treatment().conversions(), 2);
  EXPECT_EQ(report.treatment().revenue().units(), 20000);
  EXPECT_EQ(report.holdout().members(), 4);
  EXPECT_EQ(report.holdout().conversions(), 1);
  EXPECT_EQ(report.holdout().revenue().units(), 4000);
  EXPECT_DOUBLE_EQ(report.treatment().conversion_rate(), 0.5);
  EXPECT_DOUBLE_EQ(report.holdout().conversion_rate(), 0.25);
  EXPECT_DOUBLE_EQ(report.absolute_uplift_pp(), 25.0);
  EXPECT_DOUBLE_EQ(report.relative_uplift(), 1.0);
  EXPECT_DOUBLE_EQ(report.incremental_conversions(), 1.0);
  // 200.00 - 40.00 * 4 / 4.
  EXPECT_EQ(report.incremental_revenue().units(), 16000);
  EXPECT_EQ(report.incremental_revenue().currency(), "CNY");
  // Newcombe's interval holds the point estimate and is wide for four members a group.
  EXPECT_LT(report.uplift_low_pp(), 0.0);
  EXPECT_GT(report.uplift_high_pp(), 25.0);
  EXPECT_LE(report.uplift_high_pp(), 100.0);
  EXPECT_FALSE(report.enough_data());
  EXPECT_FALSE(report.data_note().empty());
}

TEST_F(CampaignTest, ATenantNeverReachesAnothersClients) {
  PutSettings({{100, 7}}, "", "");
  for (int i = 0; i < 5; ++i) {
    CreateClient({Id("a", i), true, "shared", {}}, writer_a_);
  }
  for (int i = 0; i < 3; ++i) {
    CreateClient({Id("b", i), true, "shared", {}}, writer_b_);
  }
  const std::string rule = "region = \"shared\"";
  WaitForPreview(rule, writer_a_, [](const v1::SegmentPreview& p) { return p.members() == 5; });
  const v1::SegmentPreview seen_by_b =
      WaitForPreview(rule, writer_b_, [](const v1::SegmentPreview& p) { return p.members() == 3; });
  for (const v1::MemberSummary& member : seen_by_b.sample()) {
    EXPECT_EQ(member.client_id().substr(0, 2), "b-");
  }
  CreateSegment("shared", rule, writer_a_);
  CreateCampaign("a-only", "shared", 0, writer_a_);
  Launch("a-only", writer_a_);

  v1::GetSegmentRequest get_segment;
  get_segment.set_segment_id("shared");
  v1::Segment segment;
  EXPECT_EQ(stub_->GetSegment(Context(writer_b_).get(), get_segment, &segment).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::GetCampaignRequest get_campaign;
  get_campaign.set_campaign_id("a-only");
  v1::Campaign campaign;
  EXPECT_EQ(stub_->GetCampaign(Context(writer_b_).get(), get_campaign, &campaign).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::RecordOutcomeResponse response;
  EXPECT_EQ(Outcome("a-only", Id("a", 0), "x", true, 100, writer_b_, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::GetNextBestActionRequest action;
  action.set_client_id(Id("a", 0));
  v1::NextBestAction next;
  EXPECT_EQ(stub_->GetNextBestAction(Context(writer_b_).get(), action, &next).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // B's own segment of the same name sees only B's clients.
  CreateSegment("shared", rule, writer_b_);
  CreateCampaign("b-only", "shared", 0, writer_b_);
  EXPECT_EQ(Launch("b-only", writer_b_).audience().treatment(), 3);
}

TEST_F(CampaignTest, BadInputGetsANamedErrorAndWritesNothing) {
  v1::CreateSegmentRequest bad_rule;
  bad_rule.mutable_segment()->set_segment_id("broken");
  bad_rule.mutable_segment()->set_name("Broken");
  bad_rule.mutable_segment()->set_rule("tier = ");
  v1::Segment segment;
  grpc::Status status = stub_->CreateSegment(Context(writer_a_).get(), bad_rule, &segment);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("segment.rule: at 8: ", 0), 0u) << status.error_message();
  v1::GetSegmentRequest get;
  get.set_segment_id("broken");
  EXPECT_EQ(stub_->GetSegment(Context(writer_a_).get(), get, &segment).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::CreateSegmentRequest bad_field = bad_rule;
  bad_field.mutable_segment()->set_rule("teir = \"T1\"");
  status = stub_->CreateSegment(Context(writer_a_).get(), bad_field, &segment);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "segment.rule: at 1: unknown field \"teir\"");

  CreateSegment("fine", "tier = \"T1\"", writer_a_);
  v1::CreateCampaignRequest campaign;
  campaign.mutable_campaign()->set_campaign_id("c1");
  campaign.mutable_campaign()->set_name("C1");
  campaign.mutable_campaign()->set_segment_id("fine");
  campaign.mutable_campaign()->set_channel(common::v1::CONTACT_CHANNEL_EMAIL);
  campaign.mutable_campaign()->mutable_schedule()->mutable_start_at()->set_seconds(now_seconds_);
  campaign.mutable_campaign()->set_holdout_bp(6000);
  v1::Campaign created;
  status = stub_->CreateCampaign(Context(writer_a_).get(), campaign, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("campaign.holdout_bp:", 0), 0u) << status.error_message();
  campaign.mutable_campaign()->set_holdout_bp(1000);
  campaign.mutable_campaign()->set_channel(common::v1::CONTACT_CHANNEL_UNSPECIFIED);
  status = stub_->CreateCampaign(Context(writer_a_).get(), campaign, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("campaign.channel:", 0), 0u) << status.error_message();
  v1::GetCampaignRequest get_campaign;
  get_campaign.set_campaign_id("c1");
  EXPECT_EQ(stub_->GetCampaign(Context(writer_a_).get(), get_campaign, &created).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::PutCampaignSettingsRequest settings;
  v1::FrequencyCap& cap = *settings.mutable_settings()->add_caps();
  cap.set_max_contacts(2);
  cap.set_window_days(0);
  settings.mutable_settings()->set_currency("CNY");
  v1::CampaignSettings saved;
  status = stub_->PutCampaignSettings(Context(admin_a_).get(), settings, &saved);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("settings.caps[0].window_days:", 0), 0u)
      << status.error_message();
  // A writer may not change settings; a reader may not create segments.
  cap.set_window_days(7);
  EXPECT_EQ(stub_->PutCampaignSettings(Context(writer_a_).get(), settings, &saved).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->CreateSegment(Context(reader_a_).get(), bad_rule, &segment).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::GetCampaignSettingsRequest get_settings;
  ASSERT_TRUE(stub_->GetCampaignSettings(Context(reader_a_).get(), get_settings, &saved).ok());
  EXPECT_EQ(saved.version(), 0);
  ASSERT_EQ(saved.caps_size(), 1);
  EXPECT_EQ(saved.caps(0).max_contacts(), 2);  // the default: 2 in 7 days
}

TEST_F(CampaignTest, StreamSegmentMembersResumesWhereAChunkEnded) {
  for (int i = 0; i < 25; ++i) {
    CreateClient({Id("s", i), true, "south", {}}, writer_a_);
  }
  // Another region's clients are not members.
  CreateClient({"other-1", true, "north", {}}, writer_a_);
  const std::string rule = "region = \"south\"";
  WaitForPreview(rule, reader_a_, [](const v1::SegmentPreview& p) { return p.members() == 25; });
  CreateSegment("south", rule, writer_a_);

  auto read_all = [&](const std::string& after) {
    v1::StreamSegmentMembersRequest request;
    request.set_segment_id("south");
    request.set_chunk_size(10);
    request.set_after_client_id(after);
    auto context = Context(reader_a_);
    auto reader = stub_->StreamSegmentMembers(context.get(), request);
    std::vector<v1::SegmentMembersChunk> chunks;
    v1::SegmentMembersChunk chunk;
    while (reader->Read(&chunk)) {
      chunks.push_back(chunk);
    }
    EXPECT_TRUE(reader->Finish().ok());
    return chunks;
  };
  const auto all = read_all("");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].members_size(), 10);
  EXPECT_EQ(all[2].members_size(), 5);
  EXPECT_EQ(all[0].resume_after(), Id("s", 9));
  EXPECT_EQ(all[2].resume_after(), Id("s", 24));
  const auto rest = read_all(all[0].resume_after());
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].members(0).client_id(), Id("s", 10));
  EXPECT_EQ(rest[1].members(4).client_id(), Id("s", 24));
}

// Issue 19 (implausible times): a campaign scheduled in year 9999 (or year 1) was accepted.
TEST_F(CampaignTest, AScheduleMoreThanFiveYearsAheadIsRefusedAndNothingIsStored) {
  CreateSegment("anyone", "tier = \"T1\"", writer_a_);
  constexpr int64_t kYear9999 = 253'370'764'800;  // 9999-01-01
  constexpr int64_t kSixYears = 6 * 366 * 86'400;
  struct Case {
    std::string field;
    int64_t start_seconds;
    int64_t end_seconds;  // 0: unset
  };
  const std::vector<Case> cases = {
      {"campaign.schedule.start_at", kYear9999, 0},
      {"campaign.schedule.start_at", now_seconds_ + kSixYears, 0},
      {"campaign.schedule.start_at", -62'135'596'800, 0},  // 0001-01-01
      {"campaign.schedule.end_at", now_seconds_, kYear9999},
      {"campaign.schedule.end_at", now_seconds_, now_seconds_ + kSixYears},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    v1::CreateCampaignRequest request;
    v1::Campaign& input = *request.mutable_campaign();
    input.set_campaign_id("far-" + std::to_string(i));
    input.set_name("Far");
    input.set_segment_id("anyone");
    input.set_channel(common::v1::CONTACT_CHANNEL_EMAIL);
    input.mutable_schedule()->mutable_start_at()->set_seconds(cases[i].start_seconds);
    if (cases[i].end_seconds != 0) {
      input.mutable_schedule()->mutable_end_at()->set_seconds(cases[i].end_seconds);
    }
    v1::Campaign created;
    const grpc::Status status = stub_->CreateCampaign(Context(writer_a_).get(), request, &created);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << i;
    EXPECT_EQ(status.error_message().rfind(cases[i].field + ": must be between 2000-01-01", 0), 0u)
        << status.error_message();
    v1::GetCampaignRequest get;
    get.set_campaign_id(input.campaign_id());
    EXPECT_EQ(stub_->GetCampaign(Context(writer_a_).get(), get, &created).error_code(),
              grpc::StatusCode::NOT_FOUND)
        << i;
  }
  // Four years ahead is a plan, not a typo.
  v1::CreateCampaignRequest request;
  v1::Campaign& input = *request.mutable_campaign();
  input.set_campaign_id("far-ok");
  input.set_name("Planned");
  input.set_segment_id("anyone");
  input.set_channel(common::v1::CONTACT_CHANNEL_EMAIL);
  input.mutable_schedule()->mutable_start_at()->set_seconds(now_seconds_ + 4 * 365 * 86'400);
  v1::Campaign created;
  const grpc::Status status = stub_->CreateCampaign(Context(writer_a_).get(), request, &created);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

}  // namespace
}  // namespace clienttier::campaign
