#pragma once

#include <cstdint>
#include <string>

#include "common/time/utc_time.h"
#include "services/referral/app/codes.h"
#include "services/referral/app/conversion.h"
#include "services/referral/app/invitations.h"
#include "services/referral/app/registration.h"
#include "services/referral/app/reward_ledger.h"
#include "services/referral/app/reward_settings.h"
#include "services/referral/app/statistics.h"
#include "tests/support/fake_outbox.h"
#include "tests/support/fake_transaction.h"
#include "tests/support/referral/fake_code_repository.h"
#include "tests/support/referral/fake_invitation_keys.h"
#include "tests/support/referral/fake_referral_repository.h"
#include "tests/support/referral/fake_reward_repository.h"
#include "tests/support/referral/fake_reward_rules_repository.h"

namespace clienttier::referral::testing {

// A clock the test sets.
class ManualClock final : public Clock {
 public:
  UnixMicros Now() const override { return now; }
  UnixMicros now = 0;
};

// Every referral use case wired to in-memory fakes, as ReferralApp wires them to MySQL.
struct ReferralWorld {
  ReferralWorld() { clock.now = 20'000 * kMicrosPerDay + 12 * 3600 * kMicrosPerSecond; }

  ManualClock clock;
  uint64_t draws = 0;
  clienttier::testing::FakeTransactionRunner transactions;
  clienttier::testing::FakeProcessedEventLog processed;
  FakeCodeRepository code_repository;
  FakeReferralRepository referral_repository{&code_repository};
  FakeRewardRepository reward_repository;
  FakeRewardRulesRepository rules_repository;
  FakeInvitationKeys invitation_keys;
  clienttier::testing::FakeOutboxWriter outbox;
  // No caching across a test's rule changes.
  RewardSettings settings{transactions, rules_repository, clock,
                          RewardSettingsOptions{"CNY", std::chrono::milliseconds(0)}};
  ReferralCodes codes{transactions, code_repository, referral_repository, clock,
                      [this] { return ++draws * 0x9e3779b97f4a7c15ULL; }};
  Invitations invitations{transactions, invitation_keys, referral_repository, clock};
  Registration registration{transactions, code_repository, referral_repository,
                            outbox,       settings,        clock};
  Conversion conversion{
      transactions, referral_repository, reward_repository, processed, outbox, settings, clock};
  RewardLedger ledger{transactions, reward_repository};
  ReferralStatistics statistics{transactions, referral_repository, settings};
};

}  // namespace clienttier::referral::testing
