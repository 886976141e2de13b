#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "common/db/transaction.h"
#include "services/scoring/app/score_calculator.h"
#include "services/scoring/app/score_changes.h"
#include "services/scoring/clients/propagation_source.h"
#include "services/scoring/storage/aggregate_repository.h"
#include "services/scoring/storage/score_repository.h"

namespace clienttier::scoring {

// The rescore path every event-driven or on-demand rescore shares: inside the caller's
// transaction, a read per kind of row for all the clients and one write for them all.
class Rescorer {
 public:
  Rescorer(const ScoreCalculator& calculator, AggregateRepository& aggregates,
           ScoreRepository& scores, const ScoreChangeWriter& writer)
      : calculator_(calculator), aggregates_(aggregates), scores_(scores), writer_(writer) {}

  // Rescores many clients of one tenant: stores each score, and on a tier change the history
  // row and a tier_changed event; a newly raised churn warning emits churn_warning. Fresh
  // referral counts (optional) are stored when they changed. A client scoring does not know,
  // or an erased one (whose stored score is deleted), gets no score. Returns how many clients
  // were scored.
  size_t RescoreMany(Transaction& transaction, const TenantContext& context,
                     const std::string& tenant_id, const std::vector<std::string>& client_ids,
                     UnixMicros now, const ReferralCountsById* referral = nullptr) const;

  // One client, with the tenant's context loaded for writing; nullopt as RescoreMany leaves
  // one out.
  std::optional<::clienttier::scoring::v1::Score> RescoreOne(
      Transaction& transaction, const std::string& tenant_id, const std::string& client_id,
      UnixMicros now, const ReferralCountsById* referral = nullptr) const;

 private:
  // RescoreMany; with `scores`, a copy of each new score by client id there. Without, each score
  // moves into the write: an event read's thousands of clients are not copied for nobody.
  size_t RescoreInto(Transaction& transaction, const TenantContext& context,
                     const std::string& tenant_id, const std::vector<std::string>& client_ids,
                     UnixMicros now, const ReferralCountsById* referral,
                     std::map<std::string, ::clienttier::scoring::v1::Score>* scores) const;

  const ScoreCalculator& calculator_;
  AggregateRepository& aggregates_;
  ScoreRepository& scores_;
  const ScoreChangeWriter& writer_;
};

// Returns whether the counts changed the facts (and updates them).
bool ApplyReferralCounts(const ReferralCounts& counts, ClientFacts* facts);

}  // namespace clienttier::scoring
