#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "common/db/processed_events.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/scoring/app/client_partitions.h"
#include "services/scoring/app/rescorer.h"
#include "services/scoring/app/score_calculator.h"
#include "services/scoring/app/tenant_jobs_running.h"
#include "services/scoring/domain/aggregate_change.h"
#include "services/scoring/storage/aggregate_repository.h"
#include "services/scoring/storage/rescore_queue.h"
#include "services/scoring/storage/score_cache.h"

namespace clienttier::scoring {

// When a consumer is a whole read behind, rescoring every client of every read is work thrown
// away: the next reads touch most of the same clients again. Such a read applies its events and
// queues the clients (RescoreQueue, same transaction); the queue is rescored once the consumer
// has caught up, and one transaction's worth every `max_defer` while it stays behind.
struct RescoreDeferral {
  size_t backlog_read_size = 0;  // a read of this many events is a backlog read; 0: never defer
  std::chrono::milliseconds max_defer{10000};
  // No backlog read for this long (the stream went quiet: an empty poll blocks 200 ms) counts
  // as caught up, though the last read was full.
  std::chrono::milliseconds caught_up_after{500};
  int clients_per_transaction = 5000;
  // Caught up but with reads still coming (one applied less than `quiet_after` ago), a turn
  // rescores queued clients in transactions of `clients_while_reading` until `drain_budget` has
  // passed, so the events behind it wait a bounded time, not the seconds a whole drain takes. A
  // queue left by a backlog (a bulk import) under a live load then drains without putting the
  // consumer behind again: draining 20,000 clients a turn, freshness-bench's 5,000 tx/s after
  // its 100,000-client import fell behind and its p50 went from ~0.3 s to 5 s. One transaction
  // of 500 a turn would take ~40 turns over the 20,000 clients one backlog read queues; a
  // budget of 250 ms takes a few. Quiet (an empty poll blocks 200 ms), the whole drain runs.
  std::chrono::milliseconds quiet_after{300};
  int clients_while_reading = 500;
  std::chrono::milliseconds drain_budget{250};
  // While a tenant-wide job runs here (TenantJobsRunning), the queue waits; nullptr: never.
  const TenantJobsRunning* jobs = nullptr;
};

// Applies client-profile's events (ct:events:profile) to the aggregates and rescores the
// clients they touched. The replica's consumers share one applier and its `partitions`
// (nullptr: one, every read whole).
class ProfileEventApplier {
 public:
  ProfileEventApplier(TransactionRunner& transactions, ProcessedEventLog& processed,
                      AggregateRepository& aggregates, const ScoreCalculator& calculator,
                      const Rescorer& rescorer, RescoreQueue& queue, ScoreCache& cache,
                      const Clock& clock, RescoreDeferral deferral = {},
                      ClientPartitions* partitions = nullptr)
      : partitions_(partitions != nullptr ? *partitions : one_partition_),
        transactions_(transactions),
        processed_(processed),
        aggregates_(aggregates),
        calculator_(calculator),
        rescorer_(rescorer),
        queue_(queue),
        cache_(cache),
        clock_(clock),
        deferral_(deferral) {}

  // Applies each event exactly once (by event id) and rescores every client they touched once,
  // one transaction per partition of the read's clients (ClientPartitions: a client with ten new
  // purchases is scored once, each partition's events are one commit); then drops the touched
  // clients' cached scores. A read with a merge stays whole, under every partition. A backlog read
  // queues its clients instead (erased and merged ones are still rescored at once: an erased
  // client's score goes now). Returns how many events were new.
  int Apply(const std::vector<::clienttier::profile::v1::ProfileEvent>& events);
  // One event (the consumer's retry after a failed read); true when it was new.
  bool ApplyOne(const ::clienttier::profile::v1::ProfileEvent& event) {
    return Apply({event}) == 1;
  }

  // The consumer's housekeeping between reads: rescores queued clients, a transaction of
  // clients_per_transaction at a time, until the queue is empty or `max_transactions` ran.
  // While the last read was a backlog read applied less than caught_up_after ago: nothing until
  // max_defer has passed since the last rescore, then one transaction. While other reads keep
  // coming (quiet_after): transactions of clients_while_reading for up to drain_budget.
  // Makes no query while nothing was queued since the queue was last found empty. Returns how
  // many clients were rescored.
  int RescoreQueued(int max_transactions);

 private:
  // The events of one partition, as indices into the read in read order.
  struct ReadPart {
    int partition;  // ClientPartitions::kEvery: the whole read
    std::vector<size_t> events;
  };
  std::vector<ReadPart> PartsOf(const std::vector<std::vector<AggregateChange>>& changes) const;
  // One part's transaction and cache invalidation; how many of its events were new.
  int ApplyPart(const std::vector<::clienttier::profile::v1::ProfileEvent>& events,
                const std::vector<std::vector<AggregateChange>>& changes,
                const std::vector<size_t>& part, UnixMicros now, bool backlog);
  int RescoreQueuedOnce(int clients);

  ClientPartitions one_partition_{1};
  ClientPartitions& partitions_;

  TransactionRunner& transactions_;
  ProcessedEventLog& processed_;
  AggregateRepository& aggregates_;
  const ScoreCalculator& calculator_;
  const Rescorer& rescorer_;
  RescoreQueue& queue_;
  ScoreCache& cache_;
  const Clock& clock_;
  const RescoreDeferral deferral_;
  // When the last read, a backlog read, was applied (steady clock, ns); 0 when the last read
  // was not a backlog read.
  std::atomic<int64_t> backlog_read_applied_ns_{0};
  // When the last read was applied (steady clock, ns); 0 before the first.
  std::atomic<int64_t> read_applied_ns_{0};
  // Backlog reads that queued clients (and rescore turns that failed, whose clients went back to
  // the queue), and how many of them the last rescore that found the queue empty had seen:
  // equal, there is nothing to take and no query is made. Starts unequal, so a queue left by an
  // earlier process is rescored.
  std::atomic<uint64_t> queued_reads_{1};
  std::atomic<uint64_t> queued_reads_rescored_{0};
  std::mutex last_rescore_mutex_;
  std::chrono::steady_clock::time_point last_rescore_ = std::chrono::steady_clock::now();
};

}  // namespace clienttier::scoring
