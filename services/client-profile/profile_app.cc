#include "services/client-profile/profile_app.h"

#include "common/db/migrations.h"
#include "common/outbox/outbox.h"

namespace clienttier {
std::vector<Migration> ProfileMigrations();  // generated from migrations/*.sql
}

namespace clienttier::profile {

ProfileConfig ReadProfileConfig(ConfigReader& reader) {
  ProfileConfig config;
  config.server = ReadServerConfig(reader, 50051, 9091);
  config.mysql = ReadMySqlConfig(reader, "ct_profile");
  config.redis = ReadRedisConfig(reader);
  config.cache_ttl_seconds = static_cast<int>(
      reader.Int("cache-ttl-s", config.cache_ttl_seconds, 1, 86400, "client cache TTL"));
  config.near_cache =
      reader.Bool("near-cache", config.near_cache, "keep hot clients in process as well");
  config.near_cache_entries = static_cast<int>(reader.Int(
      "near-cache-entries", config.near_cache_entries, 1, 10000000, "in-process cache size"));
  config.run_relay = reader.Bool("run-relay", true, "publish the outbox from this replica");
  config.relay.batch_size = static_cast<int>(
      reader.Int("relay-batch-size", config.relay.batch_size, 1, 10000, "events per relay batch"));
  config.relay.retention_days = static_cast<int>(reader.Int(
      "outbox-retention-days", config.relay.retention_days, 1, 365, "keep published events"));
  // Handler threads beyond the MySQL pool wait for a connection (bounded by the acquire
  // timeout); the relay holds one extra while it leads.
  config.mysql.pool_size += 1;
  // Every handler thread may hold a Redis connection at once; keeping fewer idle would close
  // and reopen connections on every cache hit under load.
  config.redis.pool_size = std::max(config.redis.pool_size, config.server.max_threads);
  return config;
}

void ProfileApp::Migrate(const MySqlConfig& mysql) {
  ServiceApp::Migrate(mysql, "profile", ProfileMigrations(), /*with_outbox=*/true);
}

namespace {

ServiceAppSpec ProfileSpec(const ProfileConfig& config) {
  ServiceAppSpec spec;
  spec.name = "client-profile";
  spec.grpc_service = "clienttier.profile.v1.ClientProfileService";
  spec.cache_prefix = "ct:profile:";
  spec.near_cache = config.near_cache;
  spec.near_cache_entries = config.near_cache_entries;
  spec.cache_ttl_ms = config.cache_ttl_seconds * 1000;
  return spec;
}

}  // namespace

ProfileApp::ProfileApp(ProfileConfig config)
    : config_(std::move(config)),
      base_(config_.server, config_.mysql, config_.redis, config_.relay, ProfileSpec(config_)) {
  mysql_clients_ = std::make_unique<MySqlClientRepository>(base_.pool());
  clients_ = std::make_unique<CachedClientRepository>(*mysql_clients_, base_.cache(),
                                                      config_.cache_ttl_seconds);
  activity_ = std::make_unique<MySqlActivityRepository>(base_.pool(), base_.clock());
  // Every committed write wakes the relay, so its event is published without waiting a poll.
  OutboxRelay& relay = *base_.relay();
  client_use_cases_ =
      std::make_unique<ClientUseCases>(*clients_, base_.clock(), [&relay] { relay.Notify(); });
  activity_use_cases_ =
      std::make_unique<ActivityUseCases>(*activity_, [&relay] { relay.Notify(); });
  record_settings_ = std::make_unique<MySqlRecordSettingsRepository>(base_.pool());
  record_settings_use_cases_ =
      std::make_unique<RecordSettingsUseCases>(*record_settings_, base_.clock());
  retention_ = std::make_unique<MySqlRetentionRepository>(base_.pool());
  retention_use_cases_ =
      std::make_unique<RetentionUseCases>(*retention_, *client_use_cases_, base_.clock());
  service_ = std::make_unique<ProfileService>(
      base_.runner(), *client_use_cases_, *activity_use_cases_, *record_settings_use_cases_,
      *retention_use_cases_, base_.clock(), base_.io_workers());
  base_.Serve(service_.get());
}

ProfileApp::~ProfileApp() { Stop(); }

int ProfileApp::Start() { return base_.Start(/*run_background=*/false, config_.run_relay); }

void ProfileApp::Stop() { base_.Stop(); }

}  // namespace clienttier::profile
