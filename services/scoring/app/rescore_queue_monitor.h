#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include "common/db/transaction.h"
#include "common/observability/metrics.h"
#include "common/observability/periodic_poller.h"
#include "services/scoring/storage/rescore_queue.h"

namespace clienttier::scoring {

// Publishes how many clients wait in the rescore queue as the gauge
// ct_scoring_rescore_queue_clients (counted up to 1,000,000), polled every 5 s on a thread of
// its own. Consumer lag does not show them: their events are acknowledged, their scores not yet
// rescored. Every replica reports the same schema's figure, so dashboards take max() over pods.
class RescoreQueueMonitor {
 public:
  static constexpr int64_t kCountCap = 1000000;

  RescoreQueueMonitor(TransactionRunner& transactions, RescoreQueue& queue,
                      MetricsRegistry& metrics,
                      std::chrono::milliseconds interval = std::chrono::seconds(5));
  RescoreQueueMonitor(const RescoreQueueMonitor&) = delete;
  RescoreQueueMonitor& operator=(const RescoreQueueMonitor&) = delete;

  void Start() { poller_.Start(); }
  void Stop() { poller_.Stop(); }
  // One poll; the thread's body, public for tests.
  void PollOnce();

 private:
  TransactionRunner& transactions_;
  RescoreQueue& queue_;
  // Shared with the gauge's callback, so a scrape after this monitor is gone reads valid memory.
  std::shared_ptr<std::atomic<double>> queued_;
  PeriodicPoller poller_;
};

}  // namespace clienttier::scoring
