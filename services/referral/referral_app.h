#pragma once

#include <memory>
#include <vector>

#include "common/config/config_reader.h"
#include "common/db/processed_events.h"
#include "common/outbox/outbox_writer.h"
#include "common/server/service_app.h"
#include "services/referral/app/codes.h"
#include "services/referral/app/conversion.h"
#include "services/referral/app/invitations.h"
#include "services/referral/app/registration.h"
#include "services/referral/app/reward_ledger.h"
#include "services/referral/app/reward_settings.h"
#include "services/referral/app/statistics.h"
#include "services/referral/consumers/profile_event_consumer.h"
#include "services/referral/referral_service.h"
#include "services/referral/storage/mysql/mysql_client_merge_repository.h"
#include "services/referral/storage/mysql/mysql_code_repository.h"
#include "services/referral/storage/mysql/mysql_invitation_keys.h"
#include "services/referral/storage/mysql/mysql_referral_repository.h"
#include "services/referral/storage/mysql/mysql_reward_repository.h"
#include "services/referral/storage/mysql/mysql_reward_rules_repository.h"

namespace clienttier::referral {

struct ReferralAppConfig {
  ServerConfig server;
  MySqlConfig mysql;
  RedisConfig redis;
  OutboxRelayOptions relay;
  RewardSettingsOptions settings;
  ConsumerOptions consumer = ProfileConsumerDefaults();
  bool run_consumer = true;
  // Consumers of ct:events:profile in this replica. Referral's handling of a client's events
  // does not depend on their order (any qualifying purchase converts; totals add up the same),
  // so several can share the group.
  int consumer_threads = 2;
  bool run_relay = true;
};

ReferralAppConfig ReadReferralConfig(ConfigReader& reader);

// Everything the referral binary runs, wired together (main.cc and the integration tests).
class ReferralApp {
 public:
  explicit ReferralApp(ReferralAppConfig config);
  ~ReferralApp();

  static void Migrate(const MySqlConfig& mysql);

  int Start();  // returns the gRPC port
  void Stop();  // graceful: NOT_SERVING, drain, stop consumer and relay

  MetricsRegistry& metrics() { return base_.metrics(); }
  ProfileEventConsumer& consumer() { return *consumers_.front(); }
  OutboxRelay& relay() { return *base_.relay(); }

 private:
  ReferralAppConfig config_;
  ServiceApp base_;
  // Storage (MySQL) and the use cases over it.
  MySqlCodeRepository codes_repository_;
  MySqlReferralRepository referral_repository_;
  MySqlClientMergeRepository merge_repository_;
  MySqlRewardRepository reward_repository_;
  MySqlRewardRulesRepository rules_repository_;
  MySqlInvitationKeys invitation_keys_;
  MySqlProcessedEventLog processed_events_;
  MySqlOutboxWriter outbox_;
  std::unique_ptr<RewardSettings> settings_;
  std::unique_ptr<ReferralCodes> codes_;
  std::unique_ptr<Invitations> invitations_;
  std::unique_ptr<Registration> registration_;
  std::unique_ptr<Conversion> conversion_;
  std::unique_ptr<RewardLedger> ledger_;
  std::unique_ptr<ReferralStatistics> statistics_;
  std::vector<std::unique_ptr<ProfileEventConsumer>> consumers_;
  std::unique_ptr<ReferralService> service_;
};

}  // namespace clienttier::referral
