#pragma once

#include <cstdint>
#include <memory>

#include "common/db/mysql_pool.h"
#include "common/db/processed_events.h"
#include "common/db/transaction.h"
#include "common/observability/metrics.h"
#include "common/outbox/outbox_writer.h"
#include "services/referral/app/codes.h"
#include "services/referral/app/conversion.h"
#include "services/referral/app/registration.h"
#include "services/referral/app/reward_settings.h"
#include "services/referral/referral_app.h"
#include "services/referral/storage/mysql/mysql_code_repository.h"
#include "services/referral/storage/mysql/mysql_referral_repository.h"
#include "services/referral/storage/mysql/mysql_reward_repository.h"
#include "services/referral/storage/mysql/mysql_reward_rules_repository.h"

namespace clienttier::referral {

// referral's use cases on the MySQL repositories of a migrated schema, wired as ReferralApp
// wires them but with the caller's clock (and its metrics for the pool, when given): for tests
// that drive a use case on the real schema without a server around it.
struct ReferralOnMySql {
  ReferralOnMySql(const MySqlConfig& config, const Clock& clock,
                  MetricsRegistry* metrics = nullptr) {
    ReferralApp::Migrate(config);
    pool = std::make_unique<MySqlPool>(config, metrics);
    transactions = std::make_unique<MySqlTransactionRunner>(*pool);
    settings = std::make_unique<RewardSettings>(*transactions, rules_repository, clock,
                                                RewardSettingsOptions{});
    uint64_t counter = 0;
    codes = std::make_unique<ReferralCodes>(
        *transactions, code_repository, referral_repository, clock,
        [counter]() mutable { return ++counter * 0x9e3779b97f4a7c15ULL; });
    registration = std::make_unique<Registration>(*transactions, code_repository,
                                                  referral_repository, outbox, *settings, clock);
    conversion = std::make_unique<Conversion>(*transactions, referral_repository, reward_repository,
                                              processed_events, outbox, *settings, clock);
  }

  std::unique_ptr<MySqlPool> pool;
  std::unique_ptr<MySqlTransactionRunner> transactions;
  MySqlCodeRepository code_repository;
  MySqlReferralRepository referral_repository;
  MySqlRewardRulesRepository rules_repository;
  MySqlRewardRepository reward_repository;
  MySqlProcessedEventLog processed_events;
  MySqlOutboxWriter outbox;
  std::unique_ptr<RewardSettings> settings;
  std::unique_ptr<ReferralCodes> codes;
  std::unique_ptr<Registration> registration;
  std::unique_ptr<Conversion> conversion;
};

}  // namespace clienttier::referral
