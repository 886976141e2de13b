#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "clienttier/campaign/v1/campaign_service.grpc.pb.h"
#include "clienttier/scoring/v1/scoring_service.grpc.pb.h"
#include "services/campaign/campaign_app.h"
#include "services/scoring/scoring_app.h"
#include "tests/support/profile_stack_fixture.h"
#include "tests/support/test_env.h"

namespace clienttier::campaign {

namespace pv1 = ::clienttier::profile::v1;
namespace sv1 = ::clienttier::scoring::v1;

struct TestClient {
  std::string client_id;
  // Email consent: granted, withdrawn, or never asked (nullopt).
  std::optional<bool> email_consent;
  std::string region;
  std::vector<std::string> interest_tags;
};

// The whole chain on loopback ports, each service in a fresh schema of the stack's MariaDB:
// client-profile (ProfileStackFixture), scoring consuming its events, and campaign consuming
// both streams and reading both APIs with the service key (the same wiring as main.cc).
class CampaignFixture : public testing::ProfileStackFixture {
 protected:
  void SetUp() override;
  void TearDown() override;

  void CreateClient(const TestClient& client, const std::string& api_key);
  // Polls scoring until every client has a score with a purchase.
  void WaitForScores(const std::vector<std::string>& client_ids, const std::string& api_key);
  v1::SyncMembersResponse Sync(const std::string& admin_key);
  // Polls (bounded, 15 s) until `ready` holds of the preview of `rule`; returns the last one.
  v1::SegmentPreview WaitForPreview(const std::string& rule, const std::string& api_key,
                                    const std::function<bool(const v1::SegmentPreview&)>& ready);

  v1::Segment CreateSegment(const std::string& segment_id, const std::string& rule,
                            const std::string& api_key);
  v1::Campaign CreateCampaign(const std::string& campaign_id, const std::string& segment_id,
                              int holdout_bp, const std::string& api_key,
                              v1::CampaignTrigger trigger = v1::CAMPAIGN_TRIGGER_NONE);
  v1::Campaign Launch(const std::string& campaign_id, const std::string& api_key);
  void PutSettings(const std::vector<std::pair<int, int>>& caps, const std::string& welcome,
                   const std::string& retention);
  // RecordOutcome; returns the status and fills `response`.
  grpc::Status Outcome(const std::string& campaign_id, const std::string& client_id,
                       const std::string& key, bool converted, int64_t revenue_units,
                       const std::string& api_key, v1::RecordOutcomeResponse* response);
  // The client's group in a launched campaign, read through a non-converting outcome.
  v1::AudienceGroup GroupOf(const std::string& campaign_id, const std::string& client_id,
                            const std::string& api_key);

  scoring::ScoringAppConfig scoring_config_;
  std::unique_ptr<scoring::ScoringApp> scoring_;
  std::unique_ptr<sv1::ScoringService::Stub> scoring_stub_;
  CampaignAppConfig campaign_config_;
  std::unique_ptr<CampaignApp> campaign_;
  std::unique_ptr<v1::CampaignService::Stub> stub_;
  int campaign_port_ = 0;
  int64_t settings_version_ = 0;
};

}  // namespace clienttier::campaign
