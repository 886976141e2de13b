#include "services/scoring/scoring_app.h"

#include "common/db/migrations.h"
#include "common/outbox/outbox.h"
#include "common/redis/stream_consumer.h"

namespace clienttier {
std::vector<Migration> ScoringMigrations();  // generated from migrations/*.sql
}

namespace clienttier::scoring {

ScoringAppConfig ReadScoringConfig(ConfigReader& reader) {
  ScoringAppConfig config;
  config.server = ReadServerConfig(reader, 50052, 9092);
  config.mysql = ReadMySqlConfig(reader, "ct_scoring");
  config.redis = ReadRedisConfig(reader);
  config.scoring.default_currency =
      reader.String("default-currency", config.scoring.default_currency,
                    "ISO 4217 currency of tenants whose scoring config names none");
  config.scoring.cache_ttl_seconds = static_cast<int>(
      reader.Int("cache-ttl-s", config.scoring.cache_ttl_seconds, 1, 86400, "score cache TTL"));
  config.consumer.consumer_name =
      reader.String("consumer-name", DefaultConsumerName("scoring"),
                    "this replica's name in the ct:events:profile consumer group (pod name)");
  config.consumer.claim_idle_ms = static_cast<int>(
      reader.Int("claim-idle-ms", config.consumer.claim_idle_ms, 1000, 3600000,
                 "take over another replica's unacknowledged events after this long"));
  config.referral.target = reader.String(
      "referral-address", "",
      "referral service for propagation (dns:///referral:50054); empty: stored counts only");
  config.referral.api_key = reader.String(
      "referral-api-key", "", "service key scoring presents to referral (tenant * in its keys)");
  config.referral.deadline_ms =
      static_cast<int>(reader.Int("referral-deadline-ms", config.referral.deadline_ms, 10, 10000,
                                  "deadline of one GetPropagation call"));
  config.referral.tls = ReadClientTls(reader, config.server.tls.client_ca_pem);
  config.run_consumer =
      reader.Bool("run-consumer", true, "apply ct:events:profile in this replica");
  config.run_relay = reader.Bool("run-relay", true, "publish the outbox from this replica");
  config.near_cache = reader.Bool("near-cache", true, "keep hot scores in process as well");
  config.relay.retention_days = static_cast<int>(reader.Int(
      "outbox-retention-days", config.relay.retention_days, 1, 365, "keep published events"));
  // The relay and the consumer each hold a connection of their own.
  config.mysql.pool_size += 2;
  config.redis.pool_size = std::max(config.redis.pool_size, config.server.max_threads);
  return config;
}

void ScoringApp::Migrate(const MySqlConfig& mysql) {
  EnsureDatabase(mysql);
  MySqlConfig single = mysql;
  single.pool_size = 1;
  MySqlPool pool(single, nullptr);
  ApplyMigrations(pool, "outbox", OutboxMigrations());
  ApplyMigrations(pool, "scoring", ScoringMigrations());
}

ScoringApp::ScoringApp(ScoringAppConfig config) : config_(std::move(config)) {
  pool_ = std::make_unique<MySqlPool>(config_.mysql, &metrics_);
  redis_ = std::make_unique<RedisClient>(config_.redis, &metrics_);
  if (config_.near_cache) {
    NearCache::Options near;
    near.prefix = "ct:scoring:";
    near.ttl_ms = config_.scoring.cache_ttl_seconds * 1000;
    near_cache_ = std::make_unique<NearCache>(config_.redis, metrics_, "scoring", near);
  }
  cache_ = std::make_unique<RedisCache>(*redis_, metrics_, "scoring", near_cache_.get());
  keys_ = std::make_unique<ApiKeyStore>(config_.server.api_keys_file);
  if (!config_.referral.target.empty()) {
    referral_ = std::make_unique<ReferralPropagationClient>(config_.referral, metrics_);
  }
  transactions_ = std::make_unique<MySqlTransactionRunner>(*pool_);
  score_cache_ = std::make_unique<RedisScoreCache>(*cache_, config_.scoring.cache_ttl_seconds);
  calculator_ =
      std::make_unique<ScoreCalculator>(versions_, aggregates_, config_.scoring.default_currency);
  change_writer_ = std::make_unique<ScoreChangeWriter>(scores_, outbox_);
  rescorer_ = std::make_unique<Rescorer>(*calculator_, aggregates_, scores_, *change_writer_);
  referral_counts_ =
      std::make_unique<ReferralCountsRefresher>(*transactions_, aggregates_, referral_.get());
  reads_ = std::make_unique<ScoreReads>(*transactions_, scores_, versions_, distribution_,
                                        *score_cache_, config_.scoring.default_currency);
  rescoring_ = std::make_unique<Rescoring>(*transactions_, *calculator_, *rescorer_, aggregates_,
                                           scores_, *score_cache_, *referral_counts_, clock_);
  admin_ = std::make_unique<ConfigAdmin>(*transactions_, versions_, scores_, *rescorer_,
                                         *score_cache_, clock_);
  jobs_ = std::make_unique<BatchJobs>(*transactions_, *calculator_, aggregates_, scores_, versions_,
                                      *change_writer_, *referral_counts_, *score_cache_, clock_);
  profile_events_ = std::make_unique<ProfileEventApplier>(
      *transactions_, processed_, aggregates_, *calculator_, *rescorer_, *score_cache_, clock_);
  event_target_ = std::make_unique<ProfileEventTarget>(*profile_events_, *pool_, clock_);
  consumer_ = std::make_unique<EventConsumer>(*redis_, *event_target_, metrics_, config_.consumer);
  relay_ = std::make_unique<OutboxRelay>(*pool_, *redis_, metrics_, config_.relay);
  io_workers_ = std::make_unique<WorkerPool>(config_.server.io_workers, config_.server.io_queue);
  runner_ = std::make_unique<RpcRunner>("scoring", *keys_, metrics_);
  service_ = std::make_unique<ScoringService>(*runner_, *reads_, *rescoring_, *admin_, *jobs_,
                                              *io_workers_, clock_);
  host_ = std::make_unique<ServerHost>(config_.server, metrics_);
  host_->AddService(service_.get(), "clienttier.scoring.v1.ScoringService");
  // Redis is not part of health: without it scores are served from MySQL.
  host_->SetHealthProbe([this] { return pool_->Ping(); });
  host_->OnShutdown([this] {
    io_workers_->Stop();
    consumer_->Stop();
    relay_->Stop();
    if (near_cache_) {
      near_cache_->Stop();
    }
  });
}

ScoringApp::~ScoringApp() { Stop(); }

int ScoringApp::Start() {
  const int port = host_->Start();
  if (near_cache_) {
    near_cache_->Start();
  }
  if (config_.run_consumer) {
    consumer_->Start();
  }
  if (config_.run_relay) {
    relay_->Start();
  }
  return port;
}

void ScoringApp::Stop() {
  if (host_) {
    host_->Shutdown();
  }
}

}  // namespace clienttier::scoring
