#include "services/referral/referral_app.h"

#include <algorithm>

#include "common/db/migrations.h"
#include "common/outbox/outbox.h"
#include "common/outbox/streams.h"
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
  config.consumer.max_deliveries = ReadMaxDeliveries(reader);
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
  ServiceApp::Migrate(mysql, "referral", ReferralMigrations(), /*with_outbox=*/true);
}

namespace {

ServiceAppSpec ReferralSpec() {
  ServiceAppSpec spec;
  spec.name = "referral";
  spec.grpc_service = "clienttier.referral.v1.ReferralService";
  return spec;
}

}  // namespace

ReferralApp::ReferralApp(ReferralAppConfig config)
    : config_(std::move(config)),
      base_(config_.server, config_.mysql, config_.redis, config_.relay, ReferralSpec()) {
  TransactionRunner& transactions = base_.transactions();
  const Clock& clock = base_.clock();
  settings_ =
      std::make_unique<RewardSettings>(transactions, rules_repository_, clock, config_.settings);
  codes_ = std::make_unique<ReferralCodes>(transactions, codes_repository_, referral_repository_,
                                           clock, SecureRandomBits);
  invitations_ =
      std::make_unique<Invitations>(transactions, invitation_keys_, referral_repository_, clock);
  registration_ = std::make_unique<Registration>(transactions, codes_repository_,
                                                 referral_repository_, outbox_, *settings_, clock);
  conversion_ = std::make_unique<Conversion>(transactions, referral_repository_, reward_repository_,
                                             processed_events_, outbox_, *settings_, clock,
                                             &merge_repository_);
  ledger_ = std::make_unique<RewardLedger>(transactions, reward_repository_);
  statistics_ =
      std::make_unique<ReferralStatistics>(transactions, referral_repository_, *settings_);
  for (int i = 0; i < std::max(1, config_.consumer_threads); ++i) {
    ConsumerOptions options = config_.consumer;
    options.consumer_name += "-" + std::to_string(i);
    consumers_.push_back(MakeProfileEventConsumer(base_, *conversion_, options));
    ProfileEventConsumer& consumer = *consumers_.back();
    base_.AddBackground([&consumer] { consumer.Start(); }, [&consumer] { consumer.Stop(); });
  }
  base_.MonitorConsumerGroup(kProfileEventStream, config_.consumer.group,
                             config_.consumer.metric_prefix);
  service_ = std::make_unique<ReferralService>(
      base_.runner(),
      ReferralUseCases{*codes_, *invitations_, *registration_, *conversion_, *ledger_, *statistics_,
                       *settings_},
      clock);
  base_.Serve(service_.get());
}

ReferralApp::~ReferralApp() { Stop(); }

int ReferralApp::Start() { return base_.Start(config_.run_consumer, config_.run_relay); }

void ReferralApp::Stop() { base_.Stop(); }

}  // namespace clienttier::referral
