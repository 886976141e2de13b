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
  config.engine.default_currency = reader.String("default-currency", config.engine.default_currency,
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
  engine_ = std::make_unique<ReferralEngine>(*pool_, clock_, SecureRandomBits, config_.engine);
  for (int i = 0; i < std::max(1, config_.consumer_threads); ++i) {
    EventConsumerOptions options = config_.consumer;
    options.consumer_name += "-" + std::to_string(i);
    consumers_.push_back(std::make_unique<EventConsumer>(*redis_, *engine_, metrics_, options));
  }
  relay_ = std::make_unique<OutboxRelay>(*pool_, *redis_, metrics_, config_.relay);
  runner_ = std::make_unique<RpcRunner>("referral", *keys_, metrics_);
  service_ = std::make_unique<ReferralService>(*runner_, *engine_);
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
