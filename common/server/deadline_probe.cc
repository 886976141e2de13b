#include "common/server/deadline_probe.h"

#include <utility>

namespace clienttier {

DeadlineProbe::DeadlineProbe(std::function<bool()> check, std::chrono::milliseconds timeout)
    : check_(std::move(check)), timeout_(timeout), thread_([this] { Run(); }) {}

DeadlineProbe::~DeadlineProbe() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  requested_.notify_all();
  thread_.join();
}

bool DeadlineProbe::Check() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!running_) {
    running_ = true;
    requested_.notify_all();
  }
  if (!answered_.wait_for(lock, timeout_, [this] { return !running_; })) {
    return false;  // still running: the dependency is too slow to call healthy
  }
  return result_;
}

void DeadlineProbe::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    requested_.wait(lock, [this] { return running_ || stopping_; });
    if (stopping_) {
      return;
    }
    lock.unlock();
    bool passed = false;
    try {
      passed = check_();
    } catch (...) {
      passed = false;  // a check that cannot tell counts as failed
    }
    lock.lock();
    result_ = passed;
    running_ = false;
    answered_.notify_all();
  }
}

}  // namespace clienttier
