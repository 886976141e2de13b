#pragma once

#include <string>

#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/campaign/app/segment_runner.h"
#include "services/campaign/storage/campaign_repository.h"
#include "services/campaign/storage/settings_repository.h"

namespace clienttier::campaign {

// A tenant's campaign settings: frequency caps, the welcome and retention trigger campaigns and
// the currency (fixed once saved); versioned.
class SettingsUseCases {
 public:
  SettingsUseCases(TransactionRunner& transactions, SettingsRepository& settings,
                   CampaignRepository& campaigns, SegmentRunner& runner, const Clock& clock)
      : transactions_(transactions),
        settings_(settings),
        campaigns_(campaigns),
        runner_(runner),
        clock_(clock) {}

  // The defaults (version 0) until the tenant saves its own.
  TenantSettings Get(const std::string& tenant_id);
  TenantSettings Put(const std::string& tenant_id, TenantSettings settings,
                     int64_t expected_version);

 private:
  TransactionRunner& transactions_;
  SettingsRepository& settings_;
  CampaignRepository& campaigns_;
  SegmentRunner& runner_;
  const Clock& clock_;
};

}  // namespace clienttier::campaign
