#pragma once

#include <memory>
#include <vector>

#include "common/auth/api_key_store.h"
#include "common/config/config_reader.h"
#include "common/db/mysql_pool.h"
#include "common/observability/metrics.h"
#include "common/outbox/outbox_relay.h"
#include "common/redis/redis_client.h"
#include "common/server/rpc_runner.h"
#include "common/server/server_host.h"
#include "services/referral/event_consumer.h"
#include "services/referral/referral_engine.h"
#include "services/referral/referral_service.h"

namespace clienttier::referral {

struct ReferralAppConfig {
  ServerConfig server;
  MySqlConfig mysql;
  RedisConfig redis;
  OutboxRelayOptions relay;
  ReferralEngineOptions engine;
  EventConsumerOptions consumer;
  bool run_consumer = true;
  // Consumers of ct:events:profile in this replica. Referral's handling of a client's events
  // does not depend on their order (any qualifying purchase converts; totals add up the same),
  // so several can share the group.
  int consumer_threads = 2;
  bool run_relay = true;
};

ReferralAppConfig ReadReferralConfig(ConfigReader& reader);

// Everything the referral binary runs, wired together (main.cc and the integration tests).
class ReferralApp {
 public:
  explicit ReferralApp(ReferralAppConfig config);
  ~ReferralApp();

  static void Migrate(const MySqlConfig& mysql);

  int Start();  // returns the gRPC port
  void Stop();  // graceful: NOT_SERVING, drain, stop consumer and relay

  MetricsRegistry& metrics() { return metrics_; }
  ReferralEngine& engine() { return *engine_; }
  EventConsumer& consumer() { return *consumers_.front(); }
  OutboxRelay& relay() { return *relay_; }

 private:
  ReferralAppConfig config_;
  MetricsRegistry metrics_;
  SystemClock clock_;
  std::unique_ptr<MySqlPool> pool_;
  std::unique_ptr<RedisClient> redis_;
  std::unique_ptr<ApiKeyStore> keys_;
  std::unique_ptr<ReferralEngine> engine_;
  std::vector<std::unique_ptr<EventConsumer>> consumers_;
  std::unique_ptr<OutboxRelay> relay_;
  std::unique_ptr<RpcRunner> runner_;
  std::unique_ptr<ReferralService> service_;
  std::unique_ptr<ServerHost> host_;
};

}  // namespace clienttier::referral
