#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "clienttier/campaign/v1/campaign_service.pb.h"
#include "clienttier/profile/v1/profile_events.pb.h"
#include "clienttier/scoring/v1/scoring_events.pb.h"
#include "common/db/mysql_pool.h"
#include "common/time/utc_time.h"
#include "services/campaign/domain/segment_parser.h"
#include "services/campaign/domain/segment_program.h"
#include "services/campaign/member_cache.h"
#include "services/campaign/storage/campaign_store.h"
#include "services/campaign/storage/settings_store.h"
#include "services/campaign/upstream_services.h"

namespace clienttier::campaign {

struct CampaignEngineOptions {
  // The currency of a tenant's rules and reports until its settings say otherwise.
  std::string default_currency = "CNY";
  // Until a tenant sets its own: at most 2 contacts in 7 days.
  std::vector<CapRule> default_caps = {{2, 7}};
};

// A compiled segment over one member snapshot.
struct SegmentRun {
  std::string rule;      // canonical
  std::string currency;  // the tenant's, of money in rules and reports
  std::shared_ptr<const MemberSnapshot> snapshot;
  SegmentProgram program;
};

// The campaign service's use cases: segments, campaigns and their audiences, outcomes and
// reports, the next best action, member syncs and the ct:events:* consumers. Handlers validate
// the request's shape; this checks what needs the tenant's data and writes in transactions.
class CampaignEngine {
 public:
  CampaignEngine(MySqlPool& pool, MemberCache& members, UpstreamServices* upstream,
                 const Clock& clock, CampaignEngineOptions options);

  MySqlPool& pool() { return pool_; }
  const Clock& clock() const { return clock_; }

  // Segments. The rule is parsed against the tenant's currency and stored canonical.
  v1::Segment CreateSegment(const std::string& tenant_id, v1::Segment segment);
  v1::Segment GetSegment(const std::string& tenant_id, const std::string& segment_id);
  v1::Segment UpdateSegment(const std::string& tenant_id, v1::Segment segment,
                            int64_t expected_version);
  std::vector<v1::Segment> ListSegments(const std::string& tenant_id, const std::string& after_id,
                                        int limit);
  void DeleteSegment(const std::string& tenant_id, const std::string& segment_id);
  // `rule` when set, else the saved segment's.
  v1::SegmentPreview PreviewSegment(const std::string& tenant_id, const std::string& segment_id,
                                    const std::string& rule, int sample_size);
  // Calls `write` with each chunk until the members run out or it returns false.
  void StreamSegmentMembers(const std::string& tenant_id, const std::string& segment_id,
                            const std::string& after_client_id, int chunk_size,
                            const std::function<bool(const v1::SegmentMembersChunk&)>& write);

  // Campaigns.
  v1::Campaign CreateCampaign(const std::string& tenant_id, v1::Campaign campaign);
  v1::Campaign GetCampaign(const std::string& tenant_id, const std::string& campaign_id);
  std::vector<v1::Campaign> ListCampaigns(const std::string& tenant_id, const std::string& after_id,
                                          v1::CampaignState state, int limit);
  v1::AudienceSummary SimulateCampaign(const std::string& tenant_id,
                                       const std::string& campaign_id);
  v1::Campaign LaunchCampaign(const std::string& tenant_id, const std::string& campaign_id);
  v1::Campaign PauseCampaign(const std::string& tenant_id, const std::string& campaign_id);
  v1::Campaign CompleteCampaign(const std::string& tenant_id, const std::string& campaign_id);

  v1::RecordOutcomeResponse RecordOutcome(const std::string& tenant_id, OutcomeRow outcome);
  v1::CampaignReport GetCampaignReport(const std::string& tenant_id,
                                       const std::string& campaign_id);
  v1::NextBestAction GetNextBestAction(const std::string& tenant_id, const std::string& client_id);

  TenantSettings GetSettings(const std::string& tenant_id);
  TenantSettings PutSettings(const std::string& tenant_id, TenantSettings settings,
                             int64_t expected_version);

  v1::SyncMembersResponse SyncMembers(const std::string& tenant_id);

  // ct:events:profile: profiles and erasures. Returns the events applied (not duplicates).
  int ApplyProfileEvents(const std::vector<profile::v1::ProfileEvent>& events);
  bool ApplyProfileEvent(const profile::v1::ProfileEvent& event);
  // ct:events:scoring: scores, and the welcome and retention triggers.
  int ApplyScoringEvents(const std::vector<scoring::v1::ScoringEvent>& events);
  bool ApplyScoringEvent(const scoring::v1::ScoringEvent& event);

 private:
  TenantSettings DefaultSettings() const;
  SegmentContext Context(const std::string& currency) const;
  std::string TenantCurrency(sql::Connection& connection, const std::string& tenant_id) const;
  // Parses and checks a rule; throws InvalidArgument naming `field`.
  SegmentRule ParseRule(const std::string& rule, const std::string& currency,
                        const std::string& field) const;
  SegmentRun Run(const std::string& tenant_id, const std::string& rule);
  std::vector<size_t> Matching(const SegmentRun& run, size_t begin, size_t limit) const;
  v1::Campaign TransitionTo(const std::string& tenant_id, const std::string& campaign_id,
                            v1::CampaignState target);
  void EnterTrigger(sql::Connection& connection, const std::string& tenant_id,
                    const std::string& campaign_id, v1::CampaignTrigger trigger,
                    const std::vector<CapRule>& caps, const scoring::v1::Score& score);

  MySqlPool& pool_;
  MemberCache& members_;
  UpstreamServices* upstream_;
  const Clock& clock_;
  CampaignEngineOptions options_;
};

}  // namespace clienttier::campaign
