#include "common/server/service_app.h"

#include <chrono>

#include "common/errors/domain_error.h"
#include "common/observability/build_info.h"
#include "common/outbox/outbox.h"

namespace clienttier {

void ServiceApp::Migrate(const MySqlConfig& mysql, const std::string& name,
                         const std::vector<Migration>& migrations, bool with_outbox) {
  EnsureDatabase(mysql);
  MySqlConfig single = mysql;
  single.pool_size = 1;
  MySqlPool pool(single, nullptr);
  if (with_outbox) {
    ApplyMigrations(pool, "outbox", OutboxMigrations());
  }
  ApplyMigrations(pool, name, migrations);
}

ServiceApp::ServiceApp(const ServerConfig& server, const MySqlConfig& mysql,
                       const RedisConfig& redis, const OutboxRelayOptions& relay,
                       ServiceAppSpec spec)
    : spec_(std::move(spec)) {
  RegisterBuildInfo(metrics_, spec_.name);
  pool_ = std::make_unique<MySqlPool>(mysql, &metrics_);
  transactions_ = std::make_unique<MySqlTransactionRunner>(*pool_);
  redis_ = std::make_unique<RedisClient>(redis, &metrics_);
  if (!spec_.cache_prefix.empty()) {
    if (spec_.near_cache) {
      NearCache::Options near;
      near.prefix = spec_.cache_prefix;
      near.max_entries = static_cast<size_t>(spec_.near_cache_entries);
      near.ttl_ms = spec_.cache_ttl_ms;
      near_cache_ = std::make_unique<NearCache>(redis, metrics_, spec_.name, near);
    }
    cache_ = std::make_unique<RedisCache>(*redis_, metrics_, spec_.name, near_cache_.get());
    owed_invalidations_ = std::make_unique<PeriodicPoller>(
        "cache-invalidation-retry", std::chrono::milliseconds(RedisCache::kRetryOwedEveryMs),
        [this] { cache_->RetryOwed(); });
  }
  keys_ = std::make_unique<ApiKeyStore>(server.api_keys_file);
  if (spec_.outbox) {
    relay_ = std::make_unique<OutboxRelay>(*pool_, *redis_, metrics_, relay);
    backlog_monitor_ = std::make_unique<OutboxBacklogMonitor>(*pool_, metrics_);
  }
  lag_monitor_ = std::make_unique<StreamLagMonitor>(*redis_, metrics_);
  io_worker_threads_ = server.io_workers;
  io_queue_ = server.io_queue;
  runner_ = std::make_unique<RpcRunner>(spec_.name, *keys_, metrics_);
  host_ = std::make_unique<ServerHost>(server, metrics_);
  // Redis is not part of health: without it a service serves from MySQL (caches miss, events
  // wait in the outbox), so only MySQL decides readiness.
  host_->SetHealthProbe([this] { return pool_->Ping(); });
  host_->OnShutdown([this] {
    if (io_workers_) {
      io_workers_->Stop();
    }
    lag_monitor_->Stop();
    for (auto part = background_.rbegin(); part != background_.rend(); ++part) {
      part->stop();
    }
    if (backlog_monitor_) {
      backlog_monitor_->Stop();
    }
    if (relay_) {
      relay_->Stop();
    }
    if (owed_invalidations_) {
      owed_invalidations_->Stop();  // after everything that invalidates
    }
    if (near_cache_) {
      near_cache_->Stop();
    }
  });
}

ServiceApp::~ServiceApp() { Stop(); }

RedisCache& ServiceApp::cache() {
  if (!cache_) {
    throw Internal(spec_.name + " asked for a cache but its ServiceAppSpec names no cache_prefix");
  }
  return *cache_;
}

WorkerPool& ServiceApp::io_workers() {
  if (!io_workers_) {
    io_workers_ = std::make_unique<WorkerPool>(io_worker_threads_, io_queue_);
  }
  return *io_workers_;
}

void ServiceApp::AddBackground(std::function<void()> start, std::function<void()> stop) {
  background_.push_back({std::move(start), std::move(stop)});
}

void ServiceApp::MonitorConsumerGroup(const std::string& stream, const std::string& group,
                                      const std::string& metric_prefix) {
  lag_monitor_->Watch(stream, group, metric_prefix);
}

void ServiceApp::Serve(grpc::Service* service) { host_->AddService(service, spec_.grpc_service); }

int ServiceApp::Start(bool run_background, bool run_relay) {
  const int port = host_->Start();
  if (near_cache_) {
    near_cache_->Start();
  }
  if (owed_invalidations_) {
    owed_invalidations_->Start();  // RPCs invalidate too, not only the background work
  }
  if (run_background) {
    for (const Background& part : background_) {
      part.start();
    }
    lag_monitor_->Start();
  }
  if (run_relay && relay_) {
    relay_->Start();
    backlog_monitor_->Start();
  }
  return port;
}

void ServiceApp::Stop() {
  if (host_) {
    host_->Shutdown();
  }
}

}  // namespace clienttier
