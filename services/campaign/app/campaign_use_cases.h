#pragma once

#include <string>
#include <vector>

#include "clienttier/campaign/v1/campaign_service.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/campaign/app/segment_runner.h"
#include "services/campaign/app/segment_use_cases.h"
#include "services/campaign/storage/campaign_repository.h"
#include "services/campaign/storage/segment_repository.h"
#include "services/campaign/storage/settings_repository.h"

namespace clienttier::campaign {

// Campaigns: their definitions, states and audiences. A launch places the segment's members
// (domain/audience_planner: erased, consent, holdout, frequency caps across campaigns) and
// records a contact for each treatment member, under the tenant's settings row lock.
class CampaignUseCases {
 public:
  CampaignUseCases(TransactionRunner& transactions, CampaignRepository& campaigns,
                   SegmentRepository& segments, SettingsRepository& settings,
                   SegmentUseCases& segment_use_cases, SegmentRunner& runner, const Clock& clock)
      : transactions_(transactions),
        campaigns_(campaigns),
        segments_(segments),
        settings_(settings),
        segment_use_cases_(segment_use_cases),
        runner_(runner),
        clock_(clock) {}

  v1::Campaign Create(const std::string& tenant_id, v1::Campaign campaign);
  v1::Campaign Get(const std::string& tenant_id, const std::string& campaign_id);
  std::vector<v1::Campaign> List(const std::string& tenant_id, const std::string& after_id,
                                 v1::CampaignState state, int limit);
  // The audience a launch would produce now; writes nothing.
  v1::AudienceSummary Simulate(const std::string& tenant_id, const std::string& campaign_id);
  // A retry of a launched campaign changes nothing; a paused one launched again adds the
  // segment's new members and leaves placed ones in their group.
  v1::Campaign Launch(const std::string& tenant_id, const std::string& campaign_id);
  v1::Campaign Pause(const std::string& tenant_id, const std::string& campaign_id);
  v1::Campaign Complete(const std::string& tenant_id, const std::string& campaign_id);

 private:
  v1::Campaign TransitionTo(const std::string& tenant_id, const std::string& campaign_id,
                            v1::CampaignState target);

  TransactionRunner& transactions_;
  CampaignRepository& campaigns_;
  SegmentRepository& segments_;
  SettingsRepository& settings_;
  SegmentUseCases& segment_use_cases_;
  SegmentRunner& runner_;
  const Clock& clock_;
};

}  // namespace clienttier::campaign
