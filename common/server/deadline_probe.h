#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace clienttier {

// Runs a health check on a thread of its own and waits for it at most `timeout`: a check stuck
// on a frozen dependency (a stopped mariadbd accepts connections and never answers) then counts
// as failed at once, instead of holding the reported status for its whole I/O timeout. While a
// check is stuck no second one starts; its late answer is taken by the next Check.
class DeadlineProbe {
 public:
  DeadlineProbe(std::function<bool()> check, std::chrono::milliseconds timeout);
  // Waits for a running check to return (its own I/O timeouts bound that).
  ~DeadlineProbe();
  DeadlineProbe(const DeadlineProbe&) = delete;
  DeadlineProbe& operator=(const DeadlineProbe&) = delete;

  // True when a check passed within the timeout; a check that throws has failed.
  bool Check();

 private:
  void Run();

  std::function<bool()> check_;
  std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::condition_variable requested_;
  std::condition_variable answered_;
  bool running_ = false;
  bool stopping_ = false;
  bool result_ = false;
  std::thread thread_;
};

}  // namespace clienttier
