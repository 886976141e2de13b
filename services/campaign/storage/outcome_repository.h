#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "clienttier/campaign/v1/campaign_service.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/campaign/domain/campaign_report.h"

namespace clienttier::campaign {

struct OutcomeRow {
  std::string campaign_id;
  std::string idempotency_key;
  std::string client_id;
  v1::AudienceGroup group = v1::AUDIENCE_GROUP_UNSPECIFIED;
  bool converted = false;
  int64_t revenue_minor = 0;
  std::string currency;
  UnixMicros occurred_at = 0;
};

// An outcome's idempotency key, unique within its campaign: (campaign id, key).
using OutcomeKey = std::pair<std::string, std::string>;

// outcomes: conversions of audience members, once per idempotency key.
class OutcomeRepository {
 public:
  virtual ~OutcomeRepository() = default;

  // Which of `keys` (campaign id, idempotency key) were recorded before.
  virtual std::set<OutcomeKey> RecordedKeys(Transaction& transaction, const std::string& tenant_id,
                                            const std::vector<OutcomeKey>& keys) = 0;
  // Inserts outcomes whose keys are new (distinct, and not recorded as RecordedKeys read them);
  // a key recorded since fails it with AlreadyExists, as MariaDB's duplicate key does.
  virtual void InsertNew(Transaction& transaction, const std::string& tenant_id,
                         const std::vector<OutcomeRow>& outcomes) = 0;
  // Size (from the audience), converted members and revenue of the treatment and holdout
  // groups; the uplift math is domain/campaign_report's.
  virtual std::pair<GroupOutcome, GroupOutcome> GroupOutcomes(Transaction& transaction,
                                                              const std::string& tenant_id,
                                                              const std::string& campaign_id) = 0;
};

}  // namespace clienttier::campaign
