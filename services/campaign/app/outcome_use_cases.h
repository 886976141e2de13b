#pragma once

#include <optional>
#include <string>
#include <vector>

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
  // Each outcome as Record takes it, in one transaction (RecordOutcomes). A revenue currency
  // other than the tenant's fails the whole batch (outcomes[i].revenue.currency) and records
  // nothing; a refusal of the campaign's state is that outcome's result, the others recorded.
  v1::RecordOutcomesResponse RecordMany(const std::string& tenant_id,
                                        std::vector<OutcomeRow> outcomes);
  v1::CampaignReport Report(const std::string& tenant_id, const std::string& campaign_id);

 private:
  // Records `outcome` (its currency set and checked) for `campaign` (nullopt: not found) in
  // `transaction`; throws NotFound or FailedPrecondition, before writing, when refused.
  v1::RecordOutcomeResponse RecordIn(Transaction& transaction, const std::string& tenant_id,
                                     const std::optional<v1::Campaign>& campaign,
                                     const OutcomeRow& outcome);

  TransactionRunner& transactions_;
  CampaignRepository& campaigns_;
  OutcomeRepository& outcomes_;
  SegmentRunner& runner_;
};

}  // namespace clienttier::campaign
