#pragma once

#include <string>

#include "clienttier/campaign/v1/campaign_service.pb.h"
#include "common/db/transaction.h"
#include "services/campaign/app/segment_runner.h"
#include "services/campaign/storage/campaign_repository.h"
#include "services/campaign/storage/outcome_repository.h"

namespace clienttier::campaign {

// Outcomes of audience members and the campaign's uplift report (domain/campaign_report).
class OutcomeUseCases {
 public:
  OutcomeUseCases(TransactionRunner& transactions, CampaignRepository& campaigns,
                  OutcomeRepository& outcomes, SegmentRunner& runner)
      : transactions_(transactions), campaigns_(campaigns), outcomes_(outcomes), runner_(runner) {}

  // Once per idempotency key; the member's group comes from the audience.
  v1::RecordOutcomeResponse Record(const std::string& tenant_id, OutcomeRow outcome);
  v1::CampaignReport Report(const std::string& tenant_id, const std::string& campaign_id);

 private:
  TransactionRunner& transactions_;
  CampaignRepository& campaigns_;
  OutcomeRepository& outcomes_;
  SegmentRunner& runner_;
};

}  // namespace clienttier::campaign
