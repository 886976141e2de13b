#pragma once

#include <memory>

#include "common/auth/api_key_store.h"
#include "common/config/config_reader.h"
#include "common/db/mysql_pool.h"
#include "common/events/profile_event_consumer.h"
#include "common/observability/metrics.h"
#include "common/redis/redis_client.h"
#include "common/server/rpc_runner.h"
#include "common/server/server_host.h"
#include "services/campaign/campaign_engine.h"
#include "services/campaign/campaign_service.h"
#include "services/campaign/member_cache.h"
#include "services/campaign/scoring_event_consumer.h"
#include "services/campaign/upstream_services.h"

namespace clienttier::campaign {

// campaign's ct:events:profile consumer (group "campaign"): profiles, consents and erasures.
struct ProfileConsumerOptions : ProfileEventConsumerOptions {
  ProfileConsumerOptions() {
    group = "campaign";
    metric_prefix = "ct_campaign_profile_events";
  }
};

struct CampaignAppConfig {
  ServerConfig server;
  MySqlConfig mysql;
  RedisConfig redis;
  CampaignEngineOptions engine;
  UpstreamOptions upstream;
  ProfileConsumerOptions profile_consumer;
  ScoringEventConsumerOptions scoring_consumer;
  bool run_consumers = true;
};

CampaignAppConfig ReadCampaignConfig(ConfigReader& reader);

// Everything the campaign binary runs, wired together (main.cc and the integration tests).
class CampaignApp {
 public:
  explicit CampaignApp(CampaignAppConfig config);
  ~CampaignApp();

  static void Migrate(const MySqlConfig& mysql);

  int Start();  // returns the gRPC port
  void Stop();  // graceful: NOT_SERVING, drain, stop the consumers

  MetricsRegistry& metrics() { return metrics_; }
  CampaignEngine& engine() { return *engine_; }

 private:
  CampaignAppConfig config_;
  MetricsRegistry metrics_;
  SystemClock clock_;
  std::unique_ptr<MySqlPool> pool_;
  std::unique_ptr<RedisClient> redis_;
  std::unique_ptr<ApiKeyStore> keys_;
  std::unique_ptr<MemberCache> members_;
  std::unique_ptr<UpstreamServices> upstream_;
  std::unique_ptr<CampaignEngine> engine_;
  std::unique_ptr<ProfileEventConsumer<CampaignEngine>> profile_consumer_;
  std::unique_ptr<ScoringEventConsumer> scoring_consumer_;
  std::unique_ptr<RpcRunner> runner_;
  std::unique_ptr<CampaignService> service_;
  std::unique_ptr<ServerHost> host_;
};

}  // namespace clienttier::campaign
