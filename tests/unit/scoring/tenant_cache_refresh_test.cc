// TenantCacheRefresh: a rescoring run's commits drop the tenant's cached scores at most once
// per interval, and the commit after the last refresh is never left uncovered.
#include "services/scoring/app/tenant_cache_refresh.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "tests/support/scoring/fake_scoring_repositories.h"

namespace clienttier::scoring {
namespace {

using testing::FakeScoreCache;

constexpr char kTenant[] = "t1";

TEST(TenantCacheRefreshTest, TheFirstCommitRefreshesAtOnceAndLaterOnesWithinTheIntervalWait) {
  FakeScoreCache cache;
  TenantCacheRefresh refresh(cache, kTenant, std::chrono::hours(1));
  refresh.AfterCommit();
  EXPECT_EQ(cache.tenants_invalidated[kTenant], 1);
  refresh.AfterCommit();
  refresh.AfterCommit();
  EXPECT_EQ(cache.tenants_invalidated[kTenant], 1);  // within the hour: pending
  refresh.Flush();
  EXPECT_EQ(cache.tenants_invalidated[kTenant], 2);  // the last commits are covered
  refresh.Flush();
  EXPECT_EQ(cache.tenants_invalidated[kTenant], 2);  // nothing new since
}

TEST(TenantCacheRefreshTest, ACommitAfterTheIntervalRefreshesAtOnce) {
  FakeScoreCache cache;
  TenantCacheRefresh refresh(cache, kTenant, std::chrono::milliseconds(20));
  refresh.AfterCommit();
  refresh.AfterCommit();
  EXPECT_EQ(cache.tenants_invalidated[kTenant], 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  refresh.AfterCommit();  // covers the pending one as well
  EXPECT_EQ(cache.tenants_invalidated[kTenant], 2);
  refresh.Flush();
  EXPECT_EQ(cache.tenants_invalidated[kTenant], 2);
}

// A run that failed midway leaves no committed chunk behind the cache: the destructor refreshes.
TEST(TenantCacheRefreshTest, APendingCommitIsRefreshedWhenTheRunEndsWithoutFlush) {
  FakeScoreCache cache;
  {
    TenantCacheRefresh refresh(cache, kTenant, std::chrono::hours(1));
    refresh.AfterCommit();
    refresh.AfterCommit();
  }
  EXPECT_EQ(cache.tenants_invalidated[kTenant], 2);
  { TenantCacheRefresh untouched(cache, kTenant, std::chrono::hours(1)); }
  EXPECT_EQ(cache.tenants_invalidated[kTenant], 2);  // no commit: no refresh
}

TEST(TenantCacheRefreshTest, CommitsFromSeveralWritersRefreshOnceWithinTheInterval) {
  FakeScoreCache cache;
  TenantCacheRefresh refresh(cache, kTenant, std::chrono::hours(1));
  std::vector<std::thread> writers;
  for (int writer = 0; writer < 4; ++writer) {
    writers.emplace_back([&refresh] {
      for (int commit = 0; commit < 100; ++commit) {
        refresh.AfterCommit();
      }
    });
  }
  for (auto& writer : writers) {
    writer.join();
  }
  EXPECT_EQ(cache.tenants_invalidated[kTenant], 1);
  refresh.Flush();
  EXPECT_EQ(cache.tenants_invalidated[kTenant], 2);
  EXPECT_EQ(cache.tenants_invalidated.size(), 1u);  // no other tenant's cache
}

}  // namespace
}  // namespace clienttier::scoring
