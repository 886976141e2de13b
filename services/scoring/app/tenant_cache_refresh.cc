#include "services/scoring/app/tenant_cache_refresh.h"

#include <utility>

namespace clienttier::scoring {

TenantCacheRefresh::TenantCacheRefresh(ScoreCache& cache, std::string tenant_id,
                                       std::chrono::steady_clock::duration interval)
    : cache_(cache), tenant_id_(std::move(tenant_id)), interval_(interval) {}

TenantCacheRefresh::~TenantCacheRefresh() { Flush(); }

void TenantCacheRefresh::AfterCommit() {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (last_refresh_ == std::chrono::steady_clock::time_point{} ||
      now - last_refresh_ >= interval_) {
    RefreshLocked(now);
  } else {
    pending_ = true;
  }
}

void TenantCacheRefresh::Flush() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (pending_) {
    RefreshLocked(std::chrono::steady_clock::now());
  }
}

void TenantCacheRefresh::RefreshLocked(std::chrono::steady_clock::time_point now) {
  // Under the lock, so pending_ is only cleared by a refresh that began after the commit that
  // set it.
  cache_.InvalidateTenant(tenant_id_);  // best effort: never throws (RedisCache owes it)
  last_refresh_ = now;
  pending_ = false;
}

}  // namespace clienttier::scoring
