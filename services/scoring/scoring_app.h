#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/db/processed_events.h"
#include "common/outbox/outbox_writer.h"
#include "common/server/service_app.h"
#include "services/scoring/app/batch_jobs.h"
#include "services/scoring/app/clv_evaluation.h"
#include "services/scoring/app/cohort_reports.h"
#include "services/scoring/app/config_admin.h"
#include "services/scoring/app/profile_event_applier.h"
#include "services/scoring/app/referral_counts.h"
#include "services/scoring/app/referral_event_applier.h"
#include "services/scoring/app/rescore_queue_monitor.h"
#include "services/scoring/app/rescorer.h"
#include "services/scoring/app/rescoring.h"
#include "services/scoring/app/score_calculator.h"
#include "services/scoring/app/score_changes.h"
#include "services/scoring/app/score_reads.h"
#include "services/scoring/app/tenant_jobs_running.h"
#include "services/scoring/clients/referral_propagation_client.h"
#include "services/scoring/consumers/profile_event_consumer.h"
#include "services/scoring/consumers/referral_event_consumer.h"
#include "services/scoring/scoring_service.h"
#include "services/scoring/storage/mysql/mysql_aggregate_repository.h"
#include "services/scoring/storage/mysql/mysql_distribution_repository.h"
#include "services/scoring/storage/mysql/mysql_exchange_rate_repository.h"
#include "services/scoring/storage/mysql/mysql_processed_event_keys.h"
#include "services/scoring/storage/mysql/mysql_rescore_queue.h"
#include "services/scoring/storage/mysql/mysql_score_repository.h"
#include "services/scoring/storage/mysql/mysql_version_repository.h"
#include "services/scoring/storage/redis/redis_score_cache.h"

namespace clienttier::scoring {

struct ScoringOptions {
  // Used when the tenant's config names no currency.
  std::string default_currency = "CNY";
  int cache_ttl_seconds = 60;
};

struct ScoringAppConfig {
  ServerConfig server;
  MySqlConfig mysql;
  RedisConfig redis;
  OutboxRelayOptions relay;
  ScoringOptions scoring;
  ConsumerOptions consumer = ProfileConsumerDefaults();
  // ct:events:profile consumers in this replica, each a member of the group of its own
  // ("<consumer_name>-<i>" from the second on): reads apply in parallel on as many MySQL
  // connections. Their order does not matter, as in a group of replicas. One here, for tests
  // that stop and start `consumer()`; the binary's --profile-consumers defaults to two.
  int profile_consumers = 1;
  ReferralClientOptions referral;  // target empty: no referral service (stored counts only)
  bool run_consumer = true;
  bool run_relay = true;
  bool near_cache = true;
};

ScoringAppConfig ReadScoringConfig(ConfigReader& reader);

// Everything the scoring binary runs, wired together (main.cc and the integration tests).
class ScoringApp {
 public:
  explicit ScoringApp(ScoringAppConfig config);
  ~ScoringApp();

  static void Migrate(const MySqlConfig& mysql);

  int Start();  // returns the gRPC port
  void Stop();  // graceful: NOT_SERVING, drain, stop consumer and relay

  MetricsRegistry& metrics() { return base_.metrics(); }
  // The use case the consumer drives (tests apply events through it directly).
  ProfileEventApplier& profile_events() { return *profile_events_; }
  MySqlPool& pool() { return base_.pool(); }
  // The first consumer (the only one unless profile_consumers > 1).
  ProfileEventConsumer& consumer() { return *consumers_.front(); }
  OutboxRelay& relay() { return *base_.relay(); }

 private:
  ScoringAppConfig config_;
  ServiceApp base_;
  std::unique_ptr<ReferralPropagationClient> referral_;
  // Storage (chosen here: MySQL repositories, the Redis score cache).
  MySqlAggregateRepository aggregates_;
  MySqlScoreRepository scores_;
  MySqlVersionRepository versions_;
  MySqlDistributionRepository distribution_;
  MySqlExchangeRateRepository rates_;
  MySqlOutboxWriter outbox_;
  // ct:events:profile ids as 16-byte keys (migration 009); other ids in processed_events.
  MySqlProfileEventLog processed_;
  MySqlRescoreQueue rescore_queue_;
  TenantJobsRunning jobs_running_;  // the queue's drain waits while a tenant-wide job runs
  std::unique_ptr<RedisScoreCache> score_cache_;
  // Use cases and what they share.
  std::unique_ptr<ScoreCalculator> calculator_;
  std::unique_ptr<ScoreChangeWriter> change_writer_;
  std::unique_ptr<Rescorer> rescorer_;
  std::unique_ptr<ReferralCountsRefresher> referral_counts_;
  std::unique_ptr<ScoreReads> reads_;
  std::unique_ptr<Rescoring> rescoring_;
  std::unique_ptr<ConfigAdmin> admin_;
  std::unique_ptr<BatchJobs> jobs_;
  std::unique_ptr<ClvEvaluation> evaluation_;
  std::unique_ptr<CohortReports> cohorts_;
  // One partition per profile consumer: they apply different clients side by side.
  std::unique_ptr<ClientPartitions> client_partitions_;
  std::unique_ptr<ProfileEventApplier> profile_events_;
  std::vector<std::unique_ptr<ProfileEventConsumer>> consumers_;
  std::unique_ptr<RescoreQueueMonitor> rescore_queue_monitor_;
  std::unique_ptr<ReferralEventApplier> referral_events_;
  std::unique_ptr<ReferralEventConsumer> referral_consumer_;
  std::unique_ptr<ScoringService> service_;
};

}  // namespace clienttier::scoring
