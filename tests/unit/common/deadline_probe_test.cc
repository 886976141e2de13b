#include "common/server/deadline_probe.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>

namespace clienttier {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

TEST(DeadlineProbeTest, APassingCheckPasses) {
  DeadlineProbe probe([] { return true; }, milliseconds(500));
  EXPECT_TRUE(probe.Check());
  EXPECT_TRUE(probe.Check());
}

TEST(DeadlineProbeTest, AFailingOrThrowingCheckFails) {
  DeadlineProbe failing([] { return false; }, milliseconds(500));
  EXPECT_FALSE(failing.Check());
  DeadlineProbe throwing([]() -> bool { throw std::runtime_error("down"); }, milliseconds(500));
  EXPECT_FALSE(throwing.Check());
}

// A check stuck on a frozen dependency fails at the deadline, does not start a second check
// while it hangs, and its answer counts once it comes.
TEST(DeadlineProbeTest, AStuckCheckFailsAtTheDeadlineAndRecoversWhenItReturns) {
  std::mutex mutex;
  std::condition_variable released;
  bool frozen = true;
  std::atomic<int> calls{0};
  DeadlineProbe probe(
      [&] {
        ++calls;
        std::unique_lock<std::mutex> lock(mutex);
        released.wait(lock, [&] { return !frozen; });
        return true;
      },
      milliseconds(200));

  const Clock::time_point start = Clock::now();
  EXPECT_FALSE(probe.Check());
  EXPECT_LT(Clock::now() - start, milliseconds(1000));
  EXPECT_FALSE(probe.Check());
  EXPECT_EQ(calls.load(), 1);

  {
    std::lock_guard<std::mutex> lock(mutex);
    frozen = false;
  }
  released.notify_all();
  EXPECT_TRUE(probe.Check());
}

}  // namespace
}  // namespace clienttier
