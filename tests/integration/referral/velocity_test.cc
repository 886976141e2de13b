// The velocity rule's per-day count on the real schema, across UTC days, through the
// registration use case on the MySQL repositories with a clock the test moves.
#include <gtest/gtest.h>

#include "tests/integration/referral/referral_on_mysql.h"
#include "tests/support/test_env.h"

namespace clienttier::referral {
namespace {

class SteppedClock final : public Clock {
 public:
  UnixMicros Now() const override { return now; }
  UnixMicros now = 0;
};

class VelocityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.now = 20'000 * kMicrosPerDay + 23 * 3600 * kMicrosPerSecond;  // 23:00 UTC
    referral_ = std::make_unique<ReferralOnMySql>(
        testing::MySqlFromEnv(testing::UniqueDatabaseName("velocity")), clock_);
    RewardRules rules = DefaultRewardRules("CNY");
    rules.max_referrals_per_day = 2;
    referral_->settings->PutRules("t-1", rules, 0);
    code_ = referral_->codes->Issue("t-1", "alice", false).code();
  }

  // Registers each referee through one RegisterMany call; returns the refused ones.
  std::vector<std::string> Refused(const std::vector<std::string>& referees) {
    std::vector<RegistrationRequest> requests;
    for (const std::string& referee : referees) {
      requests.push_back({code_, referee});
    }
    std::vector<std::string> refused;
    const std::vector<RegistrationOutcome> outcomes =
        referral_->registration->RegisterMany("t-1", requests);
    for (size_t i = 0; i < outcomes.size(); ++i) {
      if (outcomes[i].refusal) {
        EXPECT_EQ(outcomes[i].refusal->rule, FraudRule::kVelocity);
        refused.push_back(referees[i]);
      }
    }
    return refused;
  }

  SteppedClock clock_;
  std::unique_ptr<ReferralOnMySql> referral_;
  std::string code_;
};

TEST_F(VelocityTest, CountsEachUtcDayOnItsOwn) {
  EXPECT_TRUE(Refused({"r-1"}).empty());
  // The batch sees its own first registration: the limit is reached inside it.
  EXPECT_EQ(Refused({"r-2", "r-3"}), std::vector<std::string>{"r-3"});
  EXPECT_EQ(Refused({"r-4"}), std::vector<std::string>{"r-4"});

  clock_.now += 2 * 3600 * kMicrosPerSecond;  // 01:00 the next day
  EXPECT_EQ(Refused({"r-4", "r-5", "r-6"}), std::vector<std::string>{"r-6"});

  clock_.now += 3 * kMicrosPerDay;  // days without registrations in between
  EXPECT_TRUE(Refused({"r-6"}).empty());
  // A retry of an accepted registration is not a new one.
  EXPECT_TRUE(Refused({"r-6", "r-7"}).empty());
  EXPECT_EQ(Refused({"r-8"}), std::vector<std::string>{"r-8"});
}

}  // namespace
}  // namespace clienttier::referral
