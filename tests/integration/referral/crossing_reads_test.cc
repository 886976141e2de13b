// Two profile-event reads applied at once on the real schema, where a buyer in each is a
// referrer in the other. Locked buyers first and referrers after, InnoDB found a deadlock in
// such pairs (about 40 in a 20,000-client demo); the rows are now locked in one client-id-ordered
// pass, so no transaction is rolled back and run again.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/observability/metrics.h"
#include "tests/integration/referral/referral_on_mysql.h"
#include "tests/support/test_env.h"

namespace clienttier::referral {
namespace {

namespace pv1 = ::clienttier::profile::v1;

constexpr char kTenant[] = "t-1";
constexpr int kRounds = 40;

class CrossingReadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    referral_ = std::make_unique<ReferralOnMySql>(
        testing::MySqlFromEnv(testing::UniqueDatabaseName("crossing")), clock_, &metrics_);
    referral_->settings->PutRules(kTenant, DefaultRewardRules("CNY"), 0);
  }

  void Refer(const std::string& referrer, const std::string& referee) {
    const std::string code = referral_->codes->Issue(kTenant, referrer, false).code();
    const std::vector<RegistrationOutcome> outcomes =
        referral_->registration->RegisterMany(kTenant, {{code, referee}});
    ASSERT_FALSE(outcomes.front().refusal.has_value()) << referrer << " -> " << referee;
  }

  pv1::ProfileEvent Purchase(const std::string& client_id) {
    pv1::ProfileEvent event;
    event.set_event_id("e-" + client_id);
    event.set_tenant_id(kTenant);
    pv1::Transaction* transaction = event.mutable_transaction_recorded()->mutable_transaction();
    transaction->set_transaction_id("tx-" + client_id);
    transaction->set_client_id(client_id);
    transaction->mutable_amount()->set_units(50'000);
    transaction->mutable_amount()->set_currency("CNY");
    *transaction->mutable_occurred_at() = ToProtoTimestamp(clock_.Now() - kMicrosPerSecond);
    return event;
  }

  int64_t Converted(const std::string& referrer) {
    int64_t converted = -1;
    referral_->transactions->InTransaction([&](Transaction& transaction) {
      converted = referral_->referral_repository.FindClient(transaction, kTenant, referrer)
                      .value_or(ClientRow{})
                      .counts.converted;
    });
    return converted;
  }

  MetricsRegistry metrics_;
  SystemClock clock_;
  std::unique_ptr<ReferralOnMySql> referral_;
};

TEST_F(CrossingReadsTest, ReadsWhoseBuyersReferEachOthersBuyersNeverDeadlock) {
  // Per round: s refers q, q refers p. One read buys for p and s (and so counts for q), the
  // other buys for q (and counts for s): each read's buyers include the other's referrer.
  for (int round = 0; round < kRounds; ++round) {
    const std::string suffix = std::to_string(round);
    Refer("q" + suffix, "p" + suffix);
    Refer("s" + suffix, "q" + suffix);
  }
  for (int round = 0; round < kRounds; ++round) {
    const std::string suffix = std::to_string(round);
    std::atomic<int> ready{0};
    const auto apply = [&](std::vector<pv1::ProfileEvent> read) {
      ++ready;
      while (ready.load() < 2) {
        std::this_thread::yield();  // both reads start together, so their transactions overlap
      }
      EXPECT_EQ(referral_->conversion->ApplyProfileEvents(read), static_cast<int>(read.size()));
    };
    std::thread first(
        apply, std::vector<pv1::ProfileEvent>{Purchase("p" + suffix), Purchase("s" + suffix)});
    std::thread second(apply, std::vector<pv1::ProfileEvent>{Purchase("q" + suffix)});
    first.join();
    second.join();
  }

  EXPECT_EQ(metrics_.GetCounter("ct_mysql_transaction_retries_total", "").value(), 0u);
  for (int round = 0; round < kRounds; ++round) {
    const std::string suffix = std::to_string(round);
    EXPECT_EQ(Converted("q" + suffix), 1) << round;
    EXPECT_EQ(Converted("s" + suffix), 1) << round;
  }
}

}  // namespace
}  // namespace clienttier::referral
