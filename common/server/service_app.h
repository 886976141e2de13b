#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/auth/api_key_store.h"
#include "common/db/migrations.h"
#include "common/db/mysql_pool.h"
#include "common/db/transaction.h"
#include "common/observability/metrics.h"
#include "common/observability/periodic_poller.h"
#include "common/outbox/outbox_backlog_monitor.h"
#include "common/outbox/outbox_relay.h"
#include "common/redis/near_cache.h"
#include "common/redis/redis_cache.h"
#include "common/redis/redis_client.h"
#include "common/redis/stream_lag_monitor.h"
#include "common/server/rpc_runner.h"
#include "common/server/server_host.h"
#include "common/server/worker_pool.h"
#include "common/time/utc_time.h"

namespace clienttier {

// What differs between the services in the parts every one of them runs.
struct ServiceAppSpec {
  std::string name;          // "scoring": metric labels, logs, the RPC runner
  std::string grpc_service;  // "clienttier.scoring.v1.ScoringService": health and reflection
  // The Redis cache under this key prefix ("ct:scoring:"), with an in-process near cache kept
  // coherent by Redis client tracking when `near_cache`. Empty: no cache.
  std::string cache_prefix;
  bool near_cache = false;
  int near_cache_entries = 100000;
  int cache_ttl_ms = 30000;
  // A service that writes events has an outbox (its migrations and a relay to Redis Streams).
  bool outbox = true;
};

// The wiring the four services share, built once here: metrics, clock, the MySQL pool and its
// transaction runner, Redis (+ cache), API keys, the RPC runner, the I/O worker pool, the outbox
// relay, and the server host with health (MySQL ping), reflection and /metrics. A service's app
// (services/<svc>/<svc>_app.cc) holds one, wires its repositories, use cases, consumers and
// handlers from these parts, and hands its gRPC service to Serve().
//
// Start order: server, near cache, background parts (stream consumers) and the lag monitor of
// their groups when `run_background`, relay and its backlog monitor when `run_relay`. Shutdown
// (ServerHost: NOT_SERVING, drain, Shutdown(deadline)), then: I/O workers, lag monitor,
// background parts in reverse order, backlog monitor, relay, near cache.
class ServiceApp {
 public:
  ServiceApp(const ServerConfig& server, const MySqlConfig& mysql, const RedisConfig& redis,
             const OutboxRelayOptions& relay, ServiceAppSpec spec);
  ~ServiceApp();
  ServiceApp(const ServiceApp&) = delete;
  ServiceApp& operator=(const ServiceApp&) = delete;

  // Creates the schema if needed, then applies the outbox's migrations (when `with_outbox`)
  // and the service's own under the component name `name`.
  static void Migrate(const MySqlConfig& mysql, const std::string& name,
                      const std::vector<Migration>& migrations, bool with_outbox);

  MetricsRegistry& metrics() { return metrics_; }
  const Clock& clock() const { return clock_; }
  MySqlPool& pool() { return *pool_; }
  TransactionRunner& transactions() { return *transactions_; }
  RedisClient& redis() { return *redis_; }
  // Throws Internal when the spec has no cache_prefix (a wiring bug).
  RedisCache& cache();
  ApiKeyStore& keys() { return *keys_; }
  RpcRunner& runner() { return *runner_; }
  // For callback-API handlers' blocking work; made on first use (not every service has such
  // handlers).
  WorkerPool& io_workers();
  // Null when the spec has no outbox.
  OutboxRelay* relay() { return relay_.get(); }
  int metrics_port() const { return host_->metrics_port(); }

  // A part that runs beside the server (a stream consumer): started by Start when
  // `run_background`, stopped on shutdown.
  void AddBackground(std::function<void()> start, std::function<void()> stop);
  // Reports a consumer group's lag, pending entries and applied rate as gauges (see
  // StreamLagMonitor); called where the service builds the group's consumer, with the
  // consumer's metric prefix. Polled while the background parts run.
  void MonitorConsumerGroup(const std::string& stream, const std::string& group,
                            const std::string& metric_prefix);
  // The service's gRPC handlers; once, before Start.
  void Serve(grpc::Service* service);

  int Start(bool run_background, bool run_relay);  // returns the gRPC port
  void Stop();

 private:
  struct Background {
    std::function<void()> start;
    std::function<void()> stop;
  };

  ServiceAppSpec spec_;
  MetricsRegistry metrics_;
  SystemClock clock_;
  std::unique_ptr<MySqlPool> pool_;
  std::unique_ptr<MySqlTransactionRunner> transactions_;
  std::unique_ptr<RedisClient> redis_;
  std::unique_ptr<NearCache> near_cache_;
  std::unique_ptr<RedisCache> cache_;
  // Sends the cache's invalidations again that Redis did not confirm (RedisCache::RetryOwed).
  std::unique_ptr<PeriodicPoller> owed_invalidations_;
  std::unique_ptr<ApiKeyStore> keys_;
  std::unique_ptr<OutboxRelay> relay_;
  std::unique_ptr<OutboxBacklogMonitor> backlog_monitor_;  // with the relay
  std::unique_ptr<StreamLagMonitor> lag_monitor_;
  std::unique_ptr<WorkerPool> io_workers_;
  std::unique_ptr<RpcRunner> runner_;
  std::unique_ptr<ServerHost> host_;
  std::vector<Background> background_;
  int io_worker_threads_ = 0;
  int io_queue_ = 0;
};

}  // namespace clienttier
