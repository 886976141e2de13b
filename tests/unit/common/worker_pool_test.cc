#include "common/server/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace clienttier {
namespace {

TEST(WorkerPoolTest, RunsSubmittedWork) {
  WorkerPool pool(2, 16);
  std::atomic<int> done{0};
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(pool.TrySubmit([&done] { ++done; }));
  }
  pool.Stop();
  EXPECT_EQ(done.load(), 10);
}

TEST(WorkerPoolTest, AFullQueueRefusesInsteadOfGrowing) {
  WorkerPool pool(1, 2);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(pool.TrySubmit([&started, released] {
    started.set_value();
    released.wait();
  }));
  started.get_future().wait();  // the only worker is busy now
  EXPECT_TRUE(pool.TrySubmit([] {}));
  EXPECT_TRUE(pool.TrySubmit([] {}));
  EXPECT_FALSE(pool.TrySubmit([] {}));  // two waiting: the bound
  release.set_value();
  pool.Stop();
  EXPECT_FALSE(pool.TrySubmit([] {}));  // stopped
}

}  // namespace
}  // namespace clienttier
