#pragma once

#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <string>

#include "common/db/transaction.h"
#include "services/scoring/app/score_changes.h"
#include "services/scoring/storage/rescore_queue.h"

namespace clienttier::scoring {

// Writes batch-rescoring chunks, each in its own transaction (and MySQL connection), on background
// threads while the caller computes the next chunk: scoring and MariaDB then work at the same
// time instead of taking turns, and several writes in flight keep MariaDB busy while one
// waits for its commit. At most `max_in_flight` chunks are being written at a time.
class SnapshotWriter {
 public:
  // `after_commit` runs (on the writing thread) once a chunk is committed.
  // `transactions` must let several threads run transactions at once (MySqlTransactionRunner
  // does); with max_in_flight 1 only one write runs at a time.
  SnapshotWriter(TransactionRunner& transactions, const ScoreChangeWriter& writer,
                 RescoreQueue& queue, std::string tenant_id, std::function<void()> after_commit,
                 int max_in_flight = 2);
  ~SnapshotWriter();

  // Waits while max_in_flight writes are running (rethrowing a failure), then starts this one.
  // `settled`: the chunk's queued clients as read before their facts; once the chunk is
  // committed they leave the rescore queue unless queued again since (RescoreQueue::
  // RemoveUnchanged).
  void Submit(ScoreChanges changes, QueueTokens settled);
  // Waits for every write; rethrows the first failure.
  void Finish();
  int64_t clients_written() const { return clients_written_; }
  int64_t tier_changes_written() const { return tier_changes_written_; }
  // Seconds the finished writes took, summed over the writing threads (a phase of the log).
  double write_seconds() const { return write_seconds_; }
  // The parts of write_seconds() after each chunk's commit: taking its settled clients out of
  // the rescore queue, and `after_commit` (BatchRescore: refreshing the tenant's cached scores).
  double queue_seconds() const { return queue_seconds_; }
  double after_commit_seconds() const { return after_commit_seconds_; }

 private:
  TransactionRunner& transactions_;
  const ScoreChangeWriter& writer_;
  RescoreQueue& queue_;
  std::string tenant_id_;
  std::function<void()> after_commit_;
  struct Write {
    std::future<void> done;
    int64_t clients = 0;
    int64_t tier_changes = 0;
    std::shared_ptr<double> seconds = std::make_shared<double>(0.0);
    std::shared_ptr<double> queue_seconds = std::make_shared<double>(0.0);
    std::shared_ptr<double> after_commit_seconds = std::make_shared<double>(0.0);
  };
  // Takes the settled clients out of the rescore queue, in a transaction of its own.
  void RemoveSettled(const QueueTokens& settled);
  // Waits for the oldest running write and counts it.
  void WaitOldest();

  size_t max_in_flight_;
  std::deque<Write> writing_;
  int64_t clients_written_ = 0;
  int64_t tier_changes_written_ = 0;
  double write_seconds_ = 0;
  double queue_seconds_ = 0;
  double after_commit_seconds_ = 0;
};

}  // namespace clienttier::scoring
