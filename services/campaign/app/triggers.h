#pragma once

#include <string>
#include <vector>

#include "clienttier/campaign/v1/campaign_service.pb.h"
#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/campaign/app/segment_runner.h"
#include "services/campaign/domain/member_events.h"
#include "services/campaign/storage/campaign_repository.h"
#include "services/campaign/storage/member_repository.h"
#include "services/campaign/storage/settings_repository.h"

namespace clienttier::campaign {

// The welcome (a move into T1) and retention (a churn warning) triggers: a member enters the
// tenant's trigger campaign when it is launched, has the matching trigger, is within its
// schedule and its launched rule matches, under the same consent, holdout and caps as a launch.
// A member placed before is not entered again.
class Triggers {
 public:
  Triggers(CampaignRepository& campaigns, MemberRepository& members, SettingsRepository& settings,
           SegmentRunner& runner, const Clock& clock)
      : campaigns_(campaigns),
        members_(members),
        settings_(settings),
        runner_(runner),
        clock_(clock) {}

  // Enters the changes' members into the tenant's trigger campaigns, in `transaction` (the one
  // that saved their scores and recorded the events as processed). Locks the tenant's settings
  // row (stamped `now` when it is created) when any change enters a trigger.
  void Enter(Transaction& transaction, const std::string& tenant_id,
             const std::vector<ScoringEventChange>& changes, UnixMicros now);

 private:
  void EnterOne(Transaction& transaction, const std::string& tenant_id,
                const std::string& campaign_id, v1::CampaignTrigger trigger,
                const TenantSettings& settings, const scoring::v1::Score& score);

  CampaignRepository& campaigns_;
  MemberRepository& members_;
  SettingsRepository& settings_;
  SegmentRunner& runner_;
  const Clock& clock_;
};

}  // namespace clienttier::campaign
