#include "services/scoring/app/snapshot_writer.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "common/errors/domain_error.h"
#include "common/observability/logger.h"

namespace clienttier::scoring {

namespace {

// Writes of one chunk: a chunk that lost lock conflicts past the runner's own retries (the
// consumers writing some of the same clients' scores meanwhile) is written again after a pause
// rather than failing the whole run (bench/demo-1m once stopped at 995,000 of 1,000,000).
constexpr int kChunkWriteAttempts = 4;

}  // namespace

SnapshotWriter::SnapshotWriter(TransactionRunner& transactions, const ScoreChangeWriter& writer,
                               RescoreQueue& queue, std::string tenant_id,
                               std::function<void()> after_commit, int max_in_flight)
    : transactions_(transactions),
      writer_(writer),
      queue_(queue),
      tenant_id_(std::move(tenant_id)),
      after_commit_(std::move(after_commit)),
      max_in_flight_(static_cast<size_t>(std::max(1, max_in_flight))) {}

SnapshotWriter::~SnapshotWriter() {
  for (auto& write : writing_) {
    write.done.wait();  // never leave a write running against storage that may go away
  }
}

void SnapshotWriter::Submit(ScoreChanges changes, QueueTokens settled) {
  while (writing_.size() >= max_in_flight_) {
    WaitOldest();
  }
  Write write;
  write.clients = static_cast<int64_t>(changes.scores.size());
  write.tier_changes = static_cast<int64_t>(changes.tier_changes.size());
  auto chunk = std::make_shared<ScoreChanges>(std::move(changes));
  auto queued = std::make_shared<QueueTokens>(std::move(settled));
  write.done =
      std::async(std::launch::async, [this, chunk, queued, seconds = write.seconds,
                                      queue_seconds = write.queue_seconds,
                                      after_commit_seconds = write.after_commit_seconds]() mutable {
        const auto started = std::chrono::steady_clock::now();
        for (int attempt = 1;; ++attempt) {
          try {
            transactions_.InTransaction(
                [&](Transaction& transaction) { writer_.Write(transaction, tenant_id_, *chunk); });
            break;
          } catch (const DomainError& error) {
            if (error.kind() != ErrorKind::kConflict || attempt >= kChunkWriteAttempts) {
              throw;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
          }
        }
        const auto committed = std::chrono::steady_clock::now();
        RemoveSettled(*queued);
        const auto removed = std::chrono::steady_clock::now();
        if (after_commit_) {
          after_commit_();
        }
        const auto finished = std::chrono::steady_clock::now();
        *seconds = std::chrono::duration<double>(finished - started).count();
        *queue_seconds = std::chrono::duration<double>(removed - committed).count();
        *after_commit_seconds = std::chrono::duration<double>(finished - removed).count();
        // Freed here, not where the caller collects the write: a chunk is thousands of score
        // messages of several allocations each, and perf put freeing them at ~17% of the
        // process's CPU in a 1M-client rescore-bench run, on the thread that computes the next
        // chunk and starts the next write.
        chunk.reset();
        queued.reset();
      });
  writing_.push_back(std::move(write));
}

void SnapshotWriter::RemoveSettled(const QueueTokens& settled) {
  if (settled.empty()) {
    return;
  }
  // A transaction of its own, once the chunk's scores are committed: the chunk's transaction
  // never holds queue rows while it waits for score rows. Rows left behind by a failure are
  // rescored by the queue again: work done twice, nothing lost.
  try {
    transactions_.InTransaction([&](Transaction& transaction) {
      queue_.RemoveUnchanged(transaction, tenant_id_, settled);
    });
  } catch (const DomainError& error) {
    Logger::LogRateLimited("batch-rescore-queue", std::chrono::seconds(10), Severity::kWarning,
                           "rescore queue rows a batch settled are left for the queue",
                           {{"tenant", tenant_id_}, {"detail", error.what()}});
  }
}

void SnapshotWriter::WaitOldest() {
  Write write = std::move(writing_.front());
  writing_.pop_front();
  write.done.get();  // rethrows; the destructor still waits for the others
  clients_written_ += write.clients;
  tier_changes_written_ += write.tier_changes;
  write_seconds_ += *write.seconds;
  queue_seconds_ += *write.queue_seconds;
  after_commit_seconds_ += *write.after_commit_seconds;
}

void SnapshotWriter::Finish() {
  while (!writing_.empty()) {
    WaitOldest();
  }
}

}  // namespace clienttier::scoring
