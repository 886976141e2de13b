#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "common/observability/logger.h"

namespace clienttier {

// Runs `poll` at once and then every `interval` on a thread of its own, until Stop. For
// monitors that read a backlog from a datastore and publish it as gauges: the work blocks on
// I/O, so it must not run on a scrape (a slow datastore would make /metrics time out) nor on a
// consumer's or the relay's thread (their speed is what is being measured). A failed poll is
// logged (rate-limited under `name`) and retried at the next interval.
class PeriodicPoller {
 public:
  PeriodicPoller(std::string name, std::chrono::milliseconds interval, std::function<void()> poll)
      : name_(std::move(name)), interval_(interval), poll_(std::move(poll)) {}
  ~PeriodicPoller() { Stop(); }
  PeriodicPoller(const PeriodicPoller&) = delete;
  PeriodicPoller& operator=(const PeriodicPoller&) = delete;

  void Start() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (thread_.joinable()) {
      return;
    }
    stopping_ = false;
    thread_ = std::thread([this] { Run(); });
  }

  // Returns once the thread has ended; a poll in progress finishes first (its I/O has
  // timeouts of its own).
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
      thread_.join();
    }
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      try {
        poll_();
      } catch (const std::exception& error) {
        Logger::LogRateLimited(name_, std::chrono::seconds(60), Severity::kWarning,
                               name_ + " poll failed; retrying", {{"detail", error.what()}});
      }
      lock.lock();
      wake_.wait_for(lock, interval_, [this] { return stopping_; });
    }
  }

  std::string name_;
  std::chrono::milliseconds interval_;
  std::function<void()> poll_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace clienttier
