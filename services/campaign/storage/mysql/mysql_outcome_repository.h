#pragma once

#include "services/campaign/storage/outcome_repository.h"

namespace clienttier::campaign {

// OutcomeRepository on MySQL (ConnectionOf the transaction).
class MySqlOutcomeRepository final : public OutcomeRepository {
 public:
  std::set<OutcomeKey> RecordedKeys(Transaction& transaction, const std::string& tenant_id,
                                    const std::vector<OutcomeKey>& keys) override;
  void InsertNew(Transaction& transaction, const std::string& tenant_id,
                 const std::vector<OutcomeRow>& outcomes) override;
  // Size (from the audience), converted members and revenue of the treatment and holdout
  // groups; the uplift math is domain/campaign_report's.
  std::pair<GroupOutcome, GroupOutcome> GroupOutcomes(Transaction& transaction,
                                                      const std::string& tenant_id,
                                                      const std::string& campaign_id) override;
};

}  // namespace clienttier::campaign
