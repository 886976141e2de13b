#pragma once

#include <vector>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "common/db/processed_events.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/scoring/app/rescorer.h"
#include "services/scoring/app/score_calculator.h"
#include "services/scoring/storage/aggregate_repository.h"
#include "services/scoring/storage/score_cache.h"

namespace clienttier::scoring {

// Applies client-profile's events (ct:events:profile) to the aggregates and rescores the
// clients they touched.
class ProfileEventApplier {
 public:
  ProfileEventApplier(TransactionRunner& transactions, ProcessedEventLog& processed,
                      AggregateRepository& aggregates, const ScoreCalculator& calculator,
                      const Rescorer& rescorer, ScoreCache& cache, const Clock& clock)
      : transactions_(transactions),
        processed_(processed),
        aggregates_(aggregates),
        calculator_(calculator),
        rescorer_(rescorer),
        cache_(cache),
        clock_(clock) {}

  // Applies each event exactly once (by event id) and rescores every client they touched once,
  // all in one transaction (one commit for a whole stream read, and a client with ten new
  // purchases is scored once); then drops the touched clients' cached scores. Returns how many
  // events were new.
  int Apply(const std::vector<::clienttier::profile::v1::ProfileEvent>& events);
  // One event (the consumer's retry after a failed read); true when it was new.
  bool ApplyOne(const ::clienttier::profile::v1::ProfileEvent& event) {
    return Apply({event}) == 1;
  }

 private:
  TransactionRunner& transactions_;
  ProcessedEventLog& processed_;
  AggregateRepository& aggregates_;
  const ScoreCalculator& calculator_;
  const Rescorer& rescorer_;
  ScoreCache& cache_;
  const Clock& clock_;
};

}  // namespace clienttier::scoring
