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
  EnsureDatabase(mysql);
  MySqlConfig single = mysql;
  single.pool_size = 1;
  MySqlPool pool(single, nullptr);
  ApplyMigrations(pool, "outbox", OutboxMigrations());
  ApplyMigrations(pool, "profile", ProfileMigrations());
}

ProfileApp::ProfileApp(ProfileConfig config) : config_(std::move(config)) {
  pool_ = std::make_unique<MySqlPool>(config_.mysql, &metrics_);
  redis_ = std::make_unique<RedisClient>(config_.redis, &metrics_);
  if (config_.near_cache) {
    NearCache::Options near;
    near.prefix = "ct:profile:";
    near.max_entries = static_cast<size_t>(config_.near_cache_entries);
    near.ttl_ms = config_.cache_ttl_seconds * 1000;
    near_cache_ = std::make_unique<NearCache>(config_.redis, metrics_, "client-profile", near);
  }
  cache_ = std::make_unique<RedisCache>(*redis_, metrics_, "client-profile", near_cache_.get());
  keys_ = std::make_unique<ApiKeyStore>(config_.server.api_keys_file);
  mysql_clients_ = std::make_unique<MySqlClientRepository>(*pool_);
  clients_ =
      std::make_unique<CachedClientRepository>(*mysql_clients_, *cache_, config_.cache_ttl_seconds);
  activity_ = std::make_unique<MySqlActivityRepository>(*pool_, clock_);
  relay_ = std::make_unique<OutboxRelay>(*pool_, *redis_, metrics_, config_.relay);
  io_workers_ = std::make_unique<WorkerPool>(config_.server.io_workers, config_.server.io_queue);
  runner_ = std::make_unique<RpcRunner>("client-profile", *keys_, metrics_);
  // Every committed write wakes the relay, so its event is published without waiting a poll.
  client_use_cases_ =
      std::make_unique<ClientUseCases>(*clients_, clock_, [this] { relay_->Notify(); });
  activity_use_cases_ =
      std::make_unique<ActivityUseCases>(*activity_, [this] { relay_->Notify(); });
  service_ = std::make_unique<ProfileService>(*runner_, *client_use_cases_, *activity_use_cases_,
                                              clock_, *io_workers_);
  host_ = std::make_unique<ServerHost>(config_.server, metrics_);
  host_->AddService(service_.get(), "clienttier.profile.v1.ClientProfileService");
  // Redis is not part of health: without it the service degrades to MySQL and keeps serving.
  host_->SetHealthProbe([this] { return pool_->Ping(); });
  host_->OnShutdown([this] {
    io_workers_->Stop();
    relay_->Stop();
    if (near_cache_) {
      near_cache_->Stop();
    }
  });
}

ProfileApp::~ProfileApp() { Stop(); }

int ProfileApp::Start() {
  const int port = host_->Start();
  if (near_cache_) {
    near_cache_->Start();
  }
  if (config_.run_relay) {
    relay_->Start();
  }
  return port;
}

void ProfileApp::Stop() {
  if (host_) {
    host_->Shutdown();
  }
}

}  // namespace clienttier::profile
