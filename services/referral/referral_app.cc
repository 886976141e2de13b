#include "services/referral/referral_app.h"

#include <algorithm>

#include "common/db/migrations.h"
#include "common/outbox/outbox.h"
#include "common/redis/stream_consumer.h"

namespace clienttier {
std::vector<Migration> ReferralMigrations();  // generated from migrations/*.sql
}

namespace clienttier::referral {

ReferralAppConfig ReadReferralConfig(ConfigReader& reader) {
  ReferralAppConfig config;
  config.server = ReadServerConfig(reader, 50054, 9094);
  config.mysql = ReadMySqlConfig(reader, "ct_referral");
  config.redis = ReadRedisConfig(reader);
  config.settings.default_currency =
      reader.String("default-currency", config.settings.default_currency,
                    "ISO 4217 currency of the default reward rules");
  config.consumer.consumer_name =
      reader.String("consumer-name", DefaultConsumerName("referral"),
                    "this replica's name in the ct:events:profile consumer group (pod name)");
  config.consumer.claim_idle_ms = static_cast<int>(
      reader.Int("claim-idle-ms", config.consumer.claim_idle_ms, 1000, 3600000,
                 "take over another replica's unacknowledged events after this long"));
  config.consumer_threads = static_cast<int>(
      reader.Int("consumer-threads", config.consumer_threads, 1, 16,
                 "ct:events:profile consumers in this replica (each a connection of its own)"));
  config.run_consumer =
      reader.Bool("run-consumer", true, "apply ct:events:profile in this replica");
  config.run_relay = reader.Bool("run-relay", true, "publish the outbox from this replica");
  config.relay.retention_days = static_cast<int>(reader.Int(
      "outbox-retention-days", config.relay.retention_days, 1, 365, "keep published events"));
  // The relay and each consumer hold a connection of their own.
  config.mysql.pool_size += 1 + config.consumer_threads;
  return config;
}

void ReferralApp::Migrate(const MySqlConfig& mysql) {
  EnsureDatabase(mysql);
  MySqlConfig single = mysql;
  single.pool_size = 1;
  MySqlPool pool(single, nullptr);
  ApplyMigrations(pool, "outbox", OutboxMigrations());
  ApplyMigrations(pool, "referral", ReferralMigrations());
}

ReferralApp::ReferralApp(ReferralAppConfig config) : config_(std::move(config)) {
  pool_ = std::make_unique<MySqlPool>(config_.mysql, &metrics_);
  redis_ = std::make_unique<RedisClient>(config_.redis, &metrics_);
  keys_ = std::make_unique<ApiKeyStore>(config_.server.api_keys_file);
  transactions_ = std::make_unique<MySqlTransactionRunner>(*pool_);
  settings_ =
      std::make_unique<RewardSettings>(*transactions_, rules_repository_, clock_, config_.settings);
  codes_ = std::make_unique<ReferralCodes>(*transactions_, codes_repository_, referral_repository_,
                                           clock_, SecureRandomBits);
  invitations_ =
      std::make_unique<Invitations>(*transactions_, invitation_keys_, referral_repository_, clock_);
  registration_ = std::make_unique<Registration>(*transactions_, codes_repository_,
                                                 referral_repository_, outbox_, *settings_, clock_);
  conversion_ =
      std::make_unique<Conversion>(*transactions_, referral_repository_, reward_repository_,
                                   processed_events_, outbox_, *settings_, clock_);
  ledger_ = std::make_unique<RewardLedger>(*transactions_, reward_repository_);
  statistics_ =
      std::make_unique<ReferralStatistics>(*transactions_, referral_repository_, *settings_);
  event_target_ = std::make_unique<ProfileEventTarget>(*conversion_, *pool_, clock_);
  for (int i = 0; i < std::max(1, config_.consumer_threads); ++i) {
    EventConsumerOptions options = config_.consumer;
    options.consumer_name += "-" + std::to_string(i);
    consumers_.push_back(
        std::make_unique<EventConsumer>(*redis_, *event_target_, metrics_, options));
  }
  relay_ = std::make_unique<OutboxRelay>(*pool_, *redis_, metrics_, config_.relay);
  runner_ = std::make_unique<RpcRunner>("referral", *keys_, metrics_);
  service_ = std::make_unique<ReferralService>(
      *runner_,
      ReferralUseCases{*codes_, *invitations_, *registration_, *conversion_, *ledger_, *statistics_,
                       *settings_},
      clock_);
  host_ = std::make_unique<ServerHost>(config_.server, metrics_);
  host_->AddService(service_.get(), "clienttier.referral.v1.ReferralService");
  host_->SetHealthProbe([this] { return pool_->Ping(); });
  host_->OnShutdown([this] {
    for (auto& consumer : consumers_) {
      consumer->Stop();
    }
    relay_->Stop();
  });
}

ReferralApp::~ReferralApp() { Stop(); }

int ReferralApp::Start() {
  const int port = host_->Start();
  if (config_.run_consumer) {
    for (auto& consumer : consumers_) {
      consumer->Start();
    }
  }
  if (config_.run_relay) {
    relay_->Start();
  }
  return port;
}

void ReferralApp::Stop() {
  if (host_) {
    host_->Shutdown();
  }
}

}  // namespace clienttier::referral
