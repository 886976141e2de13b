#include "services/scoring/scoring_app.h"

#include "common/db/migrations.h"
#include "common/outbox/outbox.h"
#include "common/outbox/streams.h"
#include "common/redis/stream_consumer.h"

namespace clienttier {
std::vector<Migration> ScoringMigrations();  // generated from migrations/*.sql
}

namespace clienttier::scoring {

namespace {
constexpr int64_t kDefaultProfileConsumers = 2;
}  // namespace

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
  config.consumer.max_deliveries = ReadMaxDeliveries(reader);
  config.consumer.batch = static_cast<int>(
      reader.Int("events-read-size", config.consumer.batch, 1, 50000,
                 "ct:events:profile entries per read (one transaction; each client rescored "
                 "once per read)"));
  // Two: while one read commits, the next is already being applied, so a pod keeps up with a
  // sustained 5,000 tx/s, where one consumer, once behind, stays seconds behind
  // (freshness-bench; services/scoring/README.md).
  config.profile_consumers = static_cast<int>(
      reader.Int("profile-consumers", kDefaultProfileConsumers, 1, 8,
                 "ct:events:profile consumers in this replica, applying reads in parallel"));
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
  // The relay and each consumer (the profile ones and the referral one) hold a connection of
  // their own.
  config.mysql.pool_size += 2 + config.profile_consumers;
  config.redis.pool_size = std::max(config.redis.pool_size, config.server.max_threads);
  return config;
}

void ScoringApp::Migrate(const MySqlConfig& mysql) {
  ServiceApp::Migrate(mysql, "scoring", ScoringMigrations(), /*with_outbox=*/true);
}

namespace {

ServiceAppSpec ScoringSpec(const ScoringAppConfig& config) {
  ServiceAppSpec spec;
  spec.name = "scoring";
  spec.grpc_service = "clienttier.scoring.v1.ScoringService";
  spec.cache_prefix = "ct:scoring:";
  spec.near_cache = config.near_cache;
  spec.cache_ttl_ms = config.scoring.cache_ttl_seconds * 1000;
  return spec;
}

}  // namespace

ScoringApp::ScoringApp(ScoringAppConfig config)
    : config_(std::move(config)),
      base_(config_.server, config_.mysql, config_.redis, config_.relay, ScoringSpec(config_)) {
  TransactionRunner& transactions = base_.transactions();
  const Clock& clock = base_.clock();
  if (!config_.referral.target.empty()) {
    referral_ = std::make_unique<ReferralPropagationClient>(config_.referral, base_.metrics());
  }
  score_cache_ =
      std::make_unique<RedisScoreCache>(base_.cache(), config_.scoring.cache_ttl_seconds);
  calculator_ = std::make_unique<ScoreCalculator>(versions_, aggregates_, rates_,
                                                  config_.scoring.default_currency);
  change_writer_ = std::make_unique<ScoreChangeWriter>(scores_, outbox_);
  rescorer_ = std::make_unique<Rescorer>(*calculator_, aggregates_, scores_, *change_writer_);
  referral_counts_ =
      std::make_unique<ReferralCountsRefresher>(transactions, aggregates_, referral_.get());
  reads_ = std::make_unique<ScoreReads>(transactions, scores_, versions_, distribution_,
                                        *score_cache_, config_.scoring.default_currency);
  rescoring_ = std::make_unique<Rescoring>(transactions, *calculator_, *rescorer_, aggregates_,
                                           scores_, *score_cache_, *referral_counts_, clock);
  admin_ = std::make_unique<ConfigAdmin>(transactions, versions_, scores_, rates_, *rescorer_,
                                         *score_cache_, clock, config_.scoring.default_currency);
  BatchJobOptions jobs_options;
  jobs_options.running = &jobs_running_;
  jobs_ = std::make_unique<BatchJobs>(transactions, *calculator_, aggregates_, scores_, versions_,
                                      *change_writer_, rescore_queue_, *referral_counts_,
                                      *score_cache_, clock, jobs_options);
  evaluation_ = std::make_unique<ClvEvaluation>(transactions, *calculator_, aggregates_,
                                                jobs_options.reading_threads, &jobs_running_);
  cohorts_ = std::make_unique<CohortReports>(transactions, *calculator_, aggregates_);
  RescoreDeferral deferral;
  // A read that comes back full means the group is at least a read behind.
  deferral.backlog_read_size = static_cast<size_t>(config_.consumer.batch);
  deferral.jobs = &jobs_running_;
  client_partitions_ = std::make_unique<ClientPartitions>(config_.profile_consumers);
  profile_events_ = std::make_unique<ProfileEventApplier>(
      transactions, processed_, aggregates_, *calculator_, *rescorer_, rescore_queue_,
      *score_cache_, clock, deferral, client_partitions_.get());
  for (int i = 0; i < config_.profile_consumers; ++i) {
    ConsumerOptions options = config_.consumer;
    if (i > 0) {
      options.consumer_name += "-" + std::to_string(i);
    }
    consumers_.push_back(MakeProfileEventConsumer(base_, *profile_events_, options));
    ProfileEventConsumer* consumer = consumers_.back().get();
    base_.AddBackground([consumer] { consumer->Start(); }, [consumer] { consumer->Stop(); });
  }
  rescore_queue_monitor_ =
      std::make_unique<RescoreQueueMonitor>(transactions, rescore_queue_, base_.metrics());
  RescoreQueueMonitor* monitor = rescore_queue_monitor_.get();
  base_.AddBackground([monitor] { monitor->Start(); }, [monitor] { monitor->Stop(); });
  base_.MonitorConsumerGroup(kProfileEventStream, config_.consumer.group,
                             config_.consumer.metric_prefix);
  referral_events_ = std::make_unique<ReferralEventApplier>(
      transactions, aggregates_, *calculator_, *rescorer_, referral_.get(), *score_cache_, clock);
  const ConsumerOptions referral_options = ReferralConsumerOptions(config_.consumer);
  referral_consumer_ = MakeReferralEventConsumer(base_, *referral_events_, referral_options);
  ReferralEventConsumer* referral_consumer = referral_consumer_.get();
  base_.AddBackground([referral_consumer] { referral_consumer->Start(); },
                      [referral_consumer] { referral_consumer->Stop(); });
  base_.MonitorConsumerGroup(kReferralEventStream, referral_options.group,
                             referral_options.metric_prefix);
  service_ = std::make_unique<ScoringService>(base_.runner(), *reads_, *rescoring_, *admin_, *jobs_,
                                              *evaluation_, *cohorts_, base_.io_workers(), clock);
  base_.Serve(service_.get());
}

ScoringApp::~ScoringApp() { Stop(); }

int ScoringApp::Start() { return base_.Start(config_.run_consumer, config_.run_relay); }

void ScoringApp::Stop() { base_.Stop(); }

}  // namespace clienttier::scoring
