#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace clienttier {

// A fixed set of threads for blocking work handed off by callback-API handlers (which must
// not block gRPC's own threads). The queue is bounded: when it is full, TrySubmit refuses and
// the caller answers RESOURCE_EXHAUSTED instead of queueing without end.
class WorkerPool {
 public:
  WorkerPool(int threads, int max_queue);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  bool TrySubmit(std::function<void()> work);
  // Runs what is queued, then joins the threads; later submissions are refused.
  void Stop();

 private:
  void Work();

  const size_t max_queue_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace clienttier
