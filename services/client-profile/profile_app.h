#pragma once

#include <memory>
#include <string>

#include "common/server/service_app.h"
#include "services/client-profile/app/activity_use_cases.h"
#include "services/client-profile/app/client_use_cases.h"
#include "services/client-profile/profile_service.h"
#include "services/client-profile/storage/mysql/mysql_activity_repository.h"
#include "services/client-profile/storage/mysql/mysql_client_repository.h"
#include "services/client-profile/storage/mysql/mysql_record_settings_repository.h"
#include "services/client-profile/storage/mysql/mysql_retention_repository.h"
#include "services/client-profile/storage/redis/cached_client_repository.h"

namespace clienttier::profile {

struct ProfileConfig {
  ServerConfig server;
  MySqlConfig mysql;
  RedisConfig redis;
  OutboxRelayOptions relay;
  int cache_ttl_seconds = 300;
  // In-process copy of cached clients, kept coherent by Redis client tracking (NearCache).
  bool near_cache = true;
  int near_cache_entries = 100000;
  bool run_relay = true;
};

ProfileConfig ReadProfileConfig(ConfigReader& reader);

// Everything the client-profile binary runs, wired together; main.cc and the integration
// tests both start it, so the tests exercise the real wiring.
class ProfileApp {
 public:
  explicit ProfileApp(ProfileConfig config);
  ~ProfileApp();

  // Creates the schema if needed and applies the outbox and profile migrations.
  static void Migrate(const MySqlConfig& mysql);

  int Start();  // returns the gRPC port
  void Stop();  // graceful: NOT_SERVING, drain, stop, flush the outbox

  MetricsRegistry& metrics() { return base_.metrics(); }
  OutboxRelay& relay() { return *base_.relay(); }
  int metrics_port() const { return base_.metrics_port(); }

 private:
  ProfileConfig config_;
  ServiceApp base_;
  std::unique_ptr<MySqlClientRepository> mysql_clients_;
  std::unique_ptr<CachedClientRepository> clients_;
  std::unique_ptr<MySqlActivityRepository> activity_;
  std::unique_ptr<MySqlRetentionRepository> retention_;
  std::unique_ptr<ClientUseCases> client_use_cases_;
  std::unique_ptr<ActivityUseCases> activity_use_cases_;
  std::unique_ptr<MySqlRecordSettingsRepository> record_settings_;
  std::unique_ptr<RecordSettingsUseCases> record_settings_use_cases_;
  std::unique_ptr<RetentionUseCases> retention_use_cases_;
  std::unique_ptr<ProfileService> service_;
};

}  // namespace clienttier::profile
