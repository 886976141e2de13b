#pragma once

#include <chrono>
#include <mutex>
#include <string>

#include "services/scoring/storage/score_cache.h"

namespace clienttier::scoring {

// Drops a tenant's cached scores while a job rewrites all of them (BatchRescore), with one
// command per refresh (ScoreCache::InvalidateTenant) rather than one per client: at 1M clients
// a marker per client was a quarter of BatchRescore's writing time.
//
// Each refresh empties the tenant's whole cache, so GetScore's hot clients would miss after
// every chunk if each commit refreshed. A commit refreshes at once only when the last refresh
// is at least `interval` old; otherwise the first commit after that does, and the last
// refresh always runs (Flush, or the destructor when the job failed midway). So a committed
// score is served stale for at most about `interval` plus the time between two commits, and a
// hot client misses about once per `interval`.
class TenantCacheRefresh {
 public:
  TenantCacheRefresh(ScoreCache& cache, std::string tenant_id,
                     std::chrono::steady_clock::duration interval);
  ~TenantCacheRefresh();
  TenantCacheRefresh(const TenantCacheRefresh&) = delete;
  TenantCacheRefresh& operator=(const TenantCacheRefresh&) = delete;

  // After a commit that changed some of the tenant's scores; thread-safe (the chunk writers).
  void AfterCommit();
  // Refreshes now if a commit since the last refresh has not been covered yet.
  void Flush();

 private:
  void RefreshLocked(std::chrono::steady_clock::time_point now);

  ScoreCache& cache_;
  const std::string tenant_id_;
  const std::chrono::steady_clock::duration interval_;
  std::mutex mutex_;
  bool pending_ = false;                                  // a commit came after the last refresh
  std::chrono::steady_clock::time_point last_refresh_{};  // none yet: the epoch
};

}  // namespace clienttier::scoring
