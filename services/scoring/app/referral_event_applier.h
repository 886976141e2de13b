#pragma once

#include <vector>

#include "clienttier/referral/v1/referral_events.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/scoring/app/rescorer.h"
#include "services/scoring/app/score_calculator.h"
#include "services/scoring/clients/propagation_source.h"
#include "services/scoring/storage/aggregate_repository.h"
#include "services/scoring/storage/score_cache.h"

namespace clienttier::scoring {

// Applies the referral service's events (ct:events:referral): a registration or a conversion
// changes the referrer's propagation counts, so the referrer (and the referee) are rescored with
// the counts referral reports now, instead of waiting for the next ScoreClient or BatchRescore.
//
// The counts are asked for, not derived from the events: ScoreClient and BatchRescore store the
// same absolute counts, and an increment per event would count a conversion twice after one of
// them. Asking again is idempotent, so a redelivered event only rescores again.
//
// The events also date their referrals (client_referral_dates, one row per referral, written
// again unchanged by a redelivery), so a score as of a past day counts the referrals registered
// and converted by then (ScoreCalculator::LoadAsOf).
class ReferralEventApplier {
 public:
  // `source` may be null (no referral service configured): the events then only date their
  // referrals, and today's counts stay as stored.
  ReferralEventApplier(TransactionRunner& transactions, AggregateRepository& aggregates,
                       const ScoreCalculator& calculator, const Rescorer& rescorer,
                       PropagationSource* source, ScoreCache& cache, const Clock& clock)
      : transactions_(transactions),
        aggregates_(aggregates),
        calculator_(calculator),
        rescorer_(rescorer),
        source_(source),
        cache_(cache),
        clock_(clock) {}

  // Dates the events' referrals and rescores, per tenant in one transaction, every client the
  // events name. Throws Unavailable
  // when referral does not answer, so the read stays pending and is retried. Returns how many
  // events were applied (all of them).
  int Apply(const std::vector<::clienttier::referral::v1::ReferralEvent>& events);
  bool ApplyOne(const ::clienttier::referral::v1::ReferralEvent& event) {
    return Apply({event}) == 1;
  }

 private:
  TransactionRunner& transactions_;
  AggregateRepository& aggregates_;
  const ScoreCalculator& calculator_;
  const Rescorer& rescorer_;
  PropagationSource* source_;
  ScoreCache& cache_;
  const Clock& clock_;
};

}  // namespace clienttier::scoring
