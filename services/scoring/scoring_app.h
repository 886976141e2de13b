#pragma once

#include <memory>
#include <string>

#include "common/auth/api_key_store.h"
#include "common/db/mysql_pool.h"
#include "common/observability/metrics.h"
#include "common/outbox/outbox_relay.h"
#include "common/redis/near_cache.h"
#include "common/redis/redis_cache.h"
#include "common/redis/redis_client.h"
#include "common/server/rpc_runner.h"
#include "common/server/server_host.h"
#include "services/scoring/batch_jobs.h"
#include "services/scoring/event_consumer.h"
#include "services/scoring/referral_propagation_client.h"
#include "services/scoring/scoring_engine.h"
#include "services/scoring/scoring_service.h"

namespace clienttier::scoring {

struct ScoringAppConfig {
  ServerConfig server;
  MySqlConfig mysql;
  RedisConfig redis;
  OutboxRelayOptions relay;
  EngineOptions engine;
  EventConsumerOptions consumer;
  ReferralClientOptions referral;  // target empty: no referral service (stored counts only)
  bool run_consumer = true;
  bool run_relay = true;
  bool near_cache = true;
};

ScoringAppConfig ReadScoringConfig(ConfigReader& reader);

// Everything the scoring binary runs, wired together (main.cc and the integration tests).
class ScoringApp {
 public:
  explicit ScoringApp(ScoringAppConfig config);
  ~ScoringApp();

  static void Migrate(const MySqlConfig& mysql);

  int Start();  // returns the gRPC port
  void Stop();  // graceful: NOT_SERVING, drain, stop consumer and relay

  MetricsRegistry& metrics() { return metrics_; }
  ScoringEngine& engine() { return *engine_; }
  EventConsumer& consumer() { return *consumer_; }
  OutboxRelay& relay() { return *relay_; }

 private:
  ScoringAppConfig config_;
  MetricsRegistry metrics_;
  SystemClock clock_;
  std::unique_ptr<MySqlPool> pool_;
  std::unique_ptr<RedisClient> redis_;
  std::unique_ptr<NearCache> near_cache_;
  std::unique_ptr<RedisCache> cache_;
  std::unique_ptr<ApiKeyStore> keys_;
  std::unique_ptr<ReferralPropagationClient> referral_;
  std::unique_ptr<ScoringEngine> engine_;
  std::unique_ptr<BatchJobs> jobs_;
  std::unique_ptr<EventConsumer> consumer_;
  std::unique_ptr<OutboxRelay> relay_;
  std::unique_ptr<WorkerPool> io_workers_;
  std::unique_ptr<RpcRunner> runner_;
  std::unique_ptr<ScoringService> service_;
  std::unique_ptr<ServerHost> host_;
};

}  // namespace clienttier::scoring
