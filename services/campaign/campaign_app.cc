#include "services/campaign/campaign_app.h"

#include "common/db/migrations.h"
#include "common/redis/stream_consumer.h"
#include "common/validation/validation.h"

namespace clienttier {
std::vector<Migration> CampaignMigrations();  // generated from migrations/*.sql
}

namespace clienttier::campaign {

CampaignAppConfig ReadCampaignConfig(ConfigReader& reader) {
  CampaignAppConfig config;
  config.server = ReadServerConfig(reader, 50053, 9093);
  config.mysql = ReadMySqlConfig(reader, "ct_campaign");
  config.redis = ReadRedisConfig(reader);
  config.defaults.currency = reader.String(
      "default-currency", config.defaults.currency,
      "ISO 4217 currency of a tenant's rules and reports until its settings name one");
  if (!validation::IsKnownCurrency(config.defaults.currency)) {
    throw std::invalid_argument("--default-currency: unknown ISO 4217 code");
  }
  config.upstream.scoring_target = reader.String(
      "scoring-address", "", "scoring's gRPC target for SyncMembers (dns:///scoring:50052)");
  config.upstream.profile_target =
      reader.String("profile-address", "",
                    "client-profile's gRPC target for SyncMembers and the next best action "
                    "(dns:///client-profile:50051)");
  config.upstream.api_key = reader.String(
      "service-api-key", "", "service key (tenant *) for calls to scoring and client-profile");
  config.upstream.deadline_ms =
      static_cast<int>(reader.Int("upstream-deadline-ms", config.upstream.deadline_ms, 10, 60000,
                                  "deadline of one-client calls to client-profile"));
  config.upstream.tls = ReadClientTls(reader, config.server.tls.client_ca_pem);
  const std::string consumer_name =
      reader.String("consumer-name", DefaultConsumerName("campaign"),
                    "this replica's name in the ct:events:* consumer groups (pod name)");
  config.profile_consumer.consumer_name = consumer_name + "-profile";
  config.scoring_consumer.consumer_name = consumer_name + "-scoring";
  config.run_consumers =
      reader.Bool("run-consumer", true, "apply ct:events:profile and ct:events:scoring here");
  // Each consumer and the member cache's refresh hold a connection besides the handlers'.
  config.mysql.pool_size += 3;
  return config;
}

void CampaignApp::Migrate(const MySqlConfig& mysql) {
  EnsureDatabase(mysql);
  MySqlConfig single = mysql;
  single.pool_size = 1;
  MySqlPool pool(single, nullptr);
  ApplyMigrations(pool, "campaign", CampaignMigrations());
}

CampaignApp::CampaignApp(CampaignAppConfig config) : config_(std::move(config)) {
  pool_ = std::make_unique<MySqlPool>(config_.mysql, &metrics_);
  redis_ = std::make_unique<RedisClient>(config_.redis, &metrics_);
  keys_ = std::make_unique<ApiKeyStore>(config_.server.api_keys_file);
  transactions_ = std::make_unique<MySqlTransactionRunner>(*pool_);
  members_ = std::make_unique<MemberCache>(*transactions_, member_repository_);
  if (!config_.upstream.scoring_target.empty() && !config_.upstream.profile_target.empty()) {
    upstream_ = std::make_unique<UpstreamServices>(config_.upstream);
  }

  segment_runner_ = std::make_unique<SegmentRunner>(*transactions_, settings_repository_, *members_,
                                                    clock_, config_.defaults);
  segments_ = std::make_unique<SegmentUseCases>(*transactions_, segment_repository_,
                                                campaign_repository_, *segment_runner_, clock_);
  campaigns_ = std::make_unique<CampaignUseCases>(*transactions_, campaign_repository_,
                                                  segment_repository_, settings_repository_,
                                                  *segments_, *segment_runner_, clock_);
  outcomes_ = std::make_unique<OutcomeUseCases>(*transactions_, campaign_repository_,
                                                outcome_repository_, *segment_runner_);
  advice_ = std::make_unique<AdviceUseCases>(*transactions_, member_repository_,
                                             campaign_repository_, upstream_.get(), clock_);
  settings_ = std::make_unique<SettingsUseCases>(*transactions_, settings_repository_,
                                                 campaign_repository_, *segment_runner_, clock_);
  triggers_ = std::make_unique<Triggers>(campaign_repository_, member_repository_,
                                         settings_repository_, *segment_runner_, clock_);
  member_sync_ = std::make_unique<MemberSync>(*transactions_, member_repository_, processed_events_,
                                              *members_, *triggers_, upstream_.get(), clock_);

  profile_handler_ = std::make_unique<ProfileEventHandler>(*member_sync_, *pool_, clock_);
  profile_consumer_ = std::make_unique<CampaignProfileConsumer>(*redis_, *profile_handler_,
                                                                metrics_, config_.profile_consumer);
  scoring_consumer_ = std::make_unique<ScoringEventConsumer>(*redis_, *member_sync_, metrics_,
                                                             config_.scoring_consumer);
  runner_ = std::make_unique<RpcRunner>("campaign", *keys_, metrics_);
  service_ = std::make_unique<CampaignService>(
      *runner_,
      CampaignUseCaseSet{*segments_, *campaigns_, *outcomes_, *advice_, *settings_, *member_sync_},
      clock_);
  host_ = std::make_unique<ServerHost>(config_.server, metrics_);
  host_->AddService(service_.get(), "clienttier.campaign.v1.CampaignService");
  host_->SetHealthProbe([this] { return pool_->Ping(); });
  host_->OnShutdown([this] {
    profile_consumer_->Stop();
    scoring_consumer_->Stop();
  });
}

CampaignApp::~CampaignApp() { Stop(); }

int CampaignApp::Start() {
  const int port = host_->Start();
  if (config_.run_consumers) {
    profile_consumer_->Start();
    scoring_consumer_->Start();
  }
  return port;
}

void CampaignApp::Stop() {
  if (host_) {
    host_->Shutdown();
  }
}

}  // namespace clienttier::campaign
