#pragma once

#include <memory>

#include "common/config/config_reader.h"
#include "common/db/processed_events.h"
#include "common/server/service_app.h"
#include "services/campaign/app/campaign_defaults.h"
#include "services/campaign/app/triggers.h"
#include "services/campaign/app/use_cases.h"
#include "services/campaign/campaign_service.h"
#include "services/campaign/clients/upstream_services.h"
#include "services/campaign/consumers/profile_event_consumer.h"
#include "services/campaign/consumers/scoring_event_consumer.h"
#include "services/campaign/storage/member_cache.h"
#include "services/campaign/storage/mysql/mysql_campaign_repository.h"
#include "services/campaign/storage/mysql/mysql_member_repository.h"
#include "services/campaign/storage/mysql/mysql_outcome_repository.h"
#include "services/campaign/storage/mysql/mysql_segment_repository.h"
#include "services/campaign/storage/mysql/mysql_settings_repository.h"

namespace clienttier::campaign {

struct CampaignAppConfig {
  ServerConfig server;
  MySqlConfig mysql;
  RedisConfig redis;
  CampaignDefaults defaults;
  UpstreamOptions upstream;
  ConsumerOptions profile_consumer = ProfileConsumerDefaults();
  ConsumerOptions scoring_consumer = ScoringConsumerDefaults();
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

  MetricsRegistry& metrics() { return base_.metrics(); }
  // The bench writes its segment through this (a reader key cannot).
  SegmentUseCases& segments() { return *segments_; }

 private:
  CampaignAppConfig config_;
  ServiceApp base_;
  // Repositories (storage/mysql) and the in-process member cache over them.
  MySqlSegmentRepository segment_repository_;
  MySqlCampaignRepository campaign_repository_;
  MySqlOutcomeRepository outcome_repository_;
  MySqlMemberRepository member_repository_;
  MySqlSettingsRepository settings_repository_;
  MySqlProcessedEventLog processed_events_;
  std::unique_ptr<MemberCache> members_;
  std::unique_ptr<UpstreamServices> upstream_;
  // Use cases (app/).
  std::unique_ptr<SegmentRunner> segment_runner_;
  std::unique_ptr<SegmentUseCases> segments_;
  std::unique_ptr<CampaignUseCases> campaigns_;
  std::unique_ptr<OutcomeUseCases> outcomes_;
  std::unique_ptr<AdviceUseCases> advice_;
  std::unique_ptr<SettingsUseCases> settings_;
  std::unique_ptr<Triggers> triggers_;
  std::unique_ptr<MemberSync> member_sync_;
  // Consumers.
  std::unique_ptr<ProfileEventConsumer> profile_consumer_;
  std::unique_ptr<ScoringEventConsumer> scoring_consumer_;
  std::unique_ptr<CampaignService> service_;
};

}  // namespace clienttier::campaign
