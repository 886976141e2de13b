#pragma once

#include <string>

#include "clienttier/campaign/v1/campaign_service.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/campaign/clients/upstream_clients.h"
#include "services/campaign/storage/campaign_repository.h"
#include "services/campaign/storage/member_repository.h"
#include "services/campaign/storage/settings_repository.h"

namespace clienttier::campaign {

// The next best action for one client (domain/next_best_action's playbook) from campaign's
// copy of the client, its last contact and, for the growth play only, what it bought.
class AdviceUseCases {
 public:
  // `upstream` may be null (no --profile-address): purchases are then unknown.
  AdviceUseCases(TransactionRunner& transactions, MemberRepository& members,
                 CampaignRepository& campaigns, SettingsRepository& settings,
                 UpstreamClients* upstream, const Clock& clock)
      : transactions_(transactions),
        members_(members),
        campaigns_(campaigns),
        settings_(settings),
        upstream_(upstream),
        clock_(clock) {}

  v1::NextBestAction NextBestActionFor(const std::string& tenant_id, const std::string& client_id);

 private:
  TransactionRunner& transactions_;
  MemberRepository& members_;
  CampaignRepository& campaigns_;
  SettingsRepository& settings_;
  UpstreamClients* upstream_;
  const Clock& clock_;
};

}  // namespace clienttier::campaign
