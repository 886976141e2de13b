#pragma once

#include <string>

#include "services/scoring/app/batch_jobs.h"
#include "services/scoring/app/config_admin.h"
#include "services/scoring/app/profile_event_applier.h"
#include "services/scoring/app/referral_counts.h"
#include "services/scoring/app/referral_event_applier.h"
#include "services/scoring/app/rescorer.h"
#include "services/scoring/app/rescoring.h"
#include "services/scoring/app/score_calculator.h"
#include "services/scoring/app/score_changes.h"
#include "services/scoring/app/score_reads.h"
#include "services/scoring/domain/calendar_days.h"
#include "tests/support/fake_outbox.h"
#include "tests/support/fake_transaction.h"
#include "tests/support/scoring/fake_scoring_repositories.h"

namespace clienttier::scoring::testing {

// scoring's use cases wired over the in-memory fakes, as ScoringApp wires them over MySQL and
// Redis. Batch writes run one at a time (the fakes are single-threaded).
struct FakeScoringWorld {
  static constexpr UnixMicros kNow =
      static_cast<UnixMicros>(20'000) * kMicrosPerDay + 12 * 3600 * kMicrosPerSecond;
  static constexpr Day kToday = 20'000;

  // Both fakes note their row locks in `lock_order` ("aggregates", "scores"), for the tests of
  // the order in which a transaction takes them.
  FakeScoringWorld() {
    aggregates.lock_order = &lock_order;
    scores.lock_order = &lock_order;
  }
  FakeScoringWorld(const FakeScoringWorld&) = delete;
  FakeScoringWorld& operator=(const FakeScoringWorld&) = delete;

  std::vector<std::string> lock_order;

  ::clienttier::testing::FakeTransactionRunner transactions;
  ::clienttier::testing::FakeProcessedEventLog processed;
  FakeAggregateRepository aggregates;
  FakeScoreRepository scores;
  FakeVersionRepository versions;
  FakeExchangeRateRepository rates;
  FakeDistributionRepository distribution{scores};
  clienttier::testing::FakeOutboxWriter outbox;
  FakeScoreCache cache;
  FakeRescoreQueue rescore_queue;
  FakePropagationSource propagation;
  FixedClock clock{kNow};

  ScoreCalculator calculator{versions, aggregates, rates, "CNY"};
  ScoreChangeWriter change_writer{scores, outbox};
  Rescorer rescorer{calculator, aggregates, scores, change_writer};
  ReferralCountsRefresher referral_counts{transactions, aggregates, &propagation};
  ScoreReads reads{transactions, scores, versions, distribution, cache, "CNY"};
  Rescoring rescoring{transactions, calculator, rescorer,        aggregates,
                      scores,       cache,      referral_counts, clock};
  ConfigAdmin admin{transactions, versions, scores, rates, rescorer, cache, clock, "CNY"};
  BatchJobs jobs{transactions,
                 calculator,
                 aggregates,
                 scores,
                 versions,
                 change_writer,
                 rescore_queue,
                 referral_counts,
                 cache,
                 clock,
                 BatchJobOptions{1, 0, 1}};
  ProfileEventApplier profile_events{transactions, processed,     aggregates, calculator,
                                     rescorer,     rescore_queue, cache,      clock};
  ReferralEventApplier referral_events{transactions, aggregates, calculator, rescorer,
                                       &propagation, cache,      clock};
};

}  // namespace clienttier::scoring::testing
