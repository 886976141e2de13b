#include "services/campaign/campaign_app.h"

#include "common/db/migrations.h"
#include "common/outbox/streams.h"
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
  config.profile_consumer.max_deliveries = ReadMaxDeliveries(reader);
  config.scoring_consumer.max_deliveries = config.profile_consumer.max_deliveries;
  config.run_consumers =
      reader.Bool("run-consumer", true, "apply ct:events:profile and ct:events:scoring here");
  // Each consumer and the member cache's refresh hold a connection besides the handlers'.
  config.mysql.pool_size += 3;
  return config;
}

void CampaignApp::Migrate(const MySqlConfig& mysql) {
  // Campaign writes no events, so it has no outbox.
  ServiceApp::Migrate(mysql, "campaign", CampaignMigrations(), /*with_outbox=*/false);
}

namespace {

ServiceAppSpec CampaignSpec() {
  ServiceAppSpec spec;
  spec.name = "campaign";
  spec.grpc_service = "clienttier.campaign.v1.CampaignService";
  spec.outbox = false;
  return spec;
}

}  // namespace

CampaignApp::CampaignApp(CampaignAppConfig config)
    : config_(std::move(config)),
      base_(config_.server, config_.mysql, config_.redis, OutboxRelayOptions{}, CampaignSpec()) {
  TransactionRunner& transactions = base_.transactions();
  const Clock& clock = base_.clock();
  members_ = std::make_unique<MemberCache>(transactions, member_repository_);
  if (!config_.upstream.scoring_target.empty() && !config_.upstream.profile_target.empty()) {
    upstream_ = std::make_unique<UpstreamServices>(config_.upstream);
  }

  segment_runner_ = std::make_unique<SegmentRunner>(transactions, settings_repository_, *members_,
                                                    clock, config_.defaults);
  segments_ = std::make_unique<SegmentUseCases>(transactions, segment_repository_,
                                                campaign_repository_, *segment_runner_, clock);
  campaigns_ =
      std::make_unique<CampaignUseCases>(transactions, campaign_repository_, segment_repository_,
                                         settings_repository_, *segments_, *segment_runner_, clock);
  outcomes_ = std::make_unique<OutcomeUseCases>(transactions, campaign_repository_,
                                                outcome_repository_, *segment_runner_);
  advice_ = std::make_unique<AdviceUseCases>(transactions, member_repository_, campaign_repository_,
                                             settings_repository_, upstream_.get(), clock);
  settings_ = std::make_unique<SettingsUseCases>(transactions, settings_repository_,
                                                 campaign_repository_, *segment_runner_, clock);
  triggers_ = std::make_unique<Triggers>(campaign_repository_, member_repository_,
                                         settings_repository_, *segment_runner_, clock);
  member_sync_ = std::make_unique<MemberSync>(transactions, member_repository_, processed_events_,
                                              *members_, *triggers_, upstream_.get(), clock);

  profile_consumer_ = MakeProfileEventConsumer(base_, *member_sync_, config_.profile_consumer);
  base_.AddBackground([this] { profile_consumer_->Start(); },
                      [this] { profile_consumer_->Stop(); });
  scoring_consumer_ = MakeScoringEventConsumer(base_, *member_sync_, config_.scoring_consumer);
  base_.AddBackground([this] { scoring_consumer_->Start(); },
                      [this] { scoring_consumer_->Stop(); });
  base_.MonitorConsumerGroup(kProfileEventStream, config_.profile_consumer.group,
                             config_.profile_consumer.metric_prefix);
  base_.MonitorConsumerGroup(kScoringEventStream, config_.scoring_consumer.group,
                             config_.scoring_consumer.metric_prefix);
  service_ = std::make_unique<CampaignService>(
      base_.runner(),
      CampaignUseCaseSet{*segments_, *campaigns_, *outcomes_, *advice_, *settings_, *member_sync_},
      clock);
  base_.Serve(service_.get());
}

CampaignApp::~CampaignApp() { Stop(); }

int CampaignApp::Start() { return base_.Start(config_.run_consumers, /*run_relay=*/false); }

void CampaignApp::Stop() { base_.Stop(); }

}  // namespace clienttier::campaign
