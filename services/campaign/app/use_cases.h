#pragma once

#include "services/campaign/app/advice_use_cases.h"
#include "services/campaign/app/campaign_use_cases.h"
#include "services/campaign/app/member_sync.h"
#include "services/campaign/app/outcome_use_cases.h"
#include "services/campaign/app/segment_use_cases.h"
#include "services/campaign/app/settings_use_cases.h"

namespace clienttier::campaign {

// The use cases the gRPC handlers call, one group each (wired in campaign_app.cc).
struct CampaignUseCaseSet {
  SegmentUseCases& segments;
  CampaignUseCases& campaigns;
  OutcomeUseCases& outcomes;
  AdviceUseCases& advice;
  SettingsUseCases& settings;
  MemberSync& members;
};

}  // namespace clienttier::campaign
