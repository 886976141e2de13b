#pragma once

#include <string>
#include <vector>

#include "common/db/transaction.h"
#include "services/scoring/clients/propagation_source.h"
#include "services/scoring/domain/client_facts.h"
#include "services/scoring/storage/aggregate_repository.h"
#include "services/scoring/storage/client_range.h"

namespace clienttier::scoring {

// Referral influence for ScoreClient and BatchRescore: asks the source (outside any
// transaction) and stores what changed; event-driven rescoring uses the stored counts, so no
// transaction waits on another service. Without a source, or when it is down, the stored
// counts stay.
class ReferralCountsRefresher {
 public:
  // `source` may be null (no referral service configured).
  ReferralCountsRefresher(TransactionRunner& transactions, AggregateRepository& aggregates,
                          PropagationSource* source)
      : transactions_(transactions), aggregates_(aggregates), source_(source) {}

  PropagationSource* source() const { return source_; }

  // Updates `facts` from the source and stores the changed counts, 1,000 rows a transaction.
  void Refresh(const std::string& tenant_id, std::vector<ClientFacts>* facts) const;
  // The same for `facts`, every client of `range` (a range of client ids, no buckets), with
  // one question for the range's referrers: a client the source does not list has none. By
  // id (Refresh) when the source cannot list a range.
  void RefreshRange(const std::string& tenant_id, const ClientRange& range,
                    std::vector<ClientFacts>* facts) const;

 private:
  // Applies `counts` to `facts` (a client not in them keeps its counts unless
  // `unlisted_have_none`) and stores the changed ones.
  void Store(const std::string& tenant_id, const ReferralCountsById& counts,
             bool unlisted_have_none, std::vector<ClientFacts>* facts) const;

  TransactionRunner& transactions_;
  AggregateRepository& aggregates_;
  PropagationSource* source_;
};

}  // namespace clienttier::scoring
