#include "services/scoring/app/rescore_queue_monitor.h"

namespace clienttier::scoring {

RescoreQueueMonitor::RescoreQueueMonitor(TransactionRunner& transactions, RescoreQueue& queue,
                                         MetricsRegistry& metrics,
                                         std::chrono::milliseconds interval)
    : transactions_(transactions),
      queue_(queue),
      queued_(std::make_shared<std::atomic<double>>(0)),
      poller_("rescore-queue-monitor", interval, [this] { PollOnce(); }) {
  std::shared_ptr<std::atomic<double>> queued = queued_;
  metrics.AddGauge("ct_scoring_rescore_queue_clients",
                   "Clients whose events are applied and whose rescore waits in the queue that "
                   "backlog reads fill (counted up to 1,000,000)",
                   {}, [queued] { return queued->load(); });
}

void RescoreQueueMonitor::PollOnce() {
  int64_t queued = 0;
  transactions_.InTransaction(
      [&](Transaction& transaction) { queued = queue_.Count(transaction, kCountCap); });
  queued_->store(static_cast<double>(queued));
}

}  // namespace clienttier::scoring
