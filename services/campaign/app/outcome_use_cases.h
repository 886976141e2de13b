#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "clienttier/campaign/v1/campaign_service.pb.h"
#include "common/db/transaction.h"
#include "common/errors/domain_error.h"
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
  // Each outcome as Record takes it, in one transaction (RecordOutcomes), with one read per
  // table for the whole call. A revenue currency other than the tenant's fails the whole batch
  // (outcomes[i].revenue.currency) and records nothing; a refusal of the campaign's state or of
  // the placement is that outcome's result, the others recorded.
  v1::RecordOutcomesResponse RecordMany(const std::string& tenant_id,
                                        std::vector<OutcomeRow> outcomes);
  v1::CampaignReport Report(const std::string& tenant_id, const std::string& campaign_id);

 private:
  // Records `outcomes` (currencies set and checked) in `transaction`: response i is outcome
  // i's. An outcome its campaign refuses (NotFound, FailedPrecondition) is passed to `refused`
  // with the refusal and writes nothing; `refused` may throw it.
  std::vector<v1::RecordOutcomeResponse> RecordIn(
      Transaction& transaction, const std::string& tenant_id,
      const std::vector<OutcomeRow>& outcomes,
      const std::function<void(size_t, const DomainError&)>& refused);
  // Runs `record` in a transaction, again when a key it read as new was recorded meanwhile.
  void InTransactionRecording(const std::function<void(Transaction&)>& record);

  TransactionRunner& transactions_;
  CampaignRepository& campaigns_;
  OutcomeRepository& outcomes_;
  SegmentRunner& runner_;
};

}  // namespace clienttier::campaign
