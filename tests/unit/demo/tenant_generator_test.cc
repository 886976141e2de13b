#include "tools/demo_tenant/tenant_generator.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace clienttier::demo {
namespace {

DemoTenantOptions Options(uint64_t seed) {
  DemoTenantOptions options;
  options.clients = 5000;
  options.seed = seed;
  options.today = 20'600;
  return options;
}

TEST(TenantGenerator, TheSameSeedGivesTheSameTenant) {
  const DemoTenant first = GenerateTenant(Options(42));
  const DemoTenant again = GenerateTenant(Options(42));
  const DemoTenant other = GenerateTenant(Options(43));
  ASSERT_EQ(first.transactions.size(), again.transactions.size());
  for (size_t i = 0; i < first.transactions.size(); i += 97) {
    EXPECT_EQ(first.transactions[i].client, again.transactions[i].client);
    EXPECT_EQ(first.transactions[i].day, again.transactions[i].day);
    EXPECT_EQ(first.transactions[i].amount_fen, again.transactions[i].amount_fen);
  }
  EXPECT_NE(first.transactions.size(), other.transactions.size());
}

TEST(TenantGenerator, ACounsellingCentresShapeOfClients) {
  const DemoTenantOptions options = Options(42);
  const DemoTenant tenant = GenerateTenant(options);
  ASSERT_EQ(tenant.clients.size(), 5000u);
  std::map<Pattern, int> patterns;
  for (const DemoClient& client : tenant.clients) {
    ++patterns[client.pattern];
    EXPECT_GE(client.created_day, options.today - 365 * options.years);
    EXPECT_LT(client.created_day, options.today);
  }
  // A real share of one-visit clients, and few loyal ones.
  EXPECT_GT(patterns[Pattern::kOneVisit], 1400);
  EXPECT_LT(patterns[Pattern::kLoyal], 700);
  std::vector<int> purchases(tenant.clients.size(), 0);
  int64_t september = 0;
  int64_t july = 0;
  for (const DemoTransaction& transaction : tenant.transactions) {
    EXPECT_LT(transaction.day, options.today) << "no transaction in the future";
    EXPECT_GT(transaction.amount_fen, 0);
    ++purchases[static_cast<size_t>(transaction.client)];
    // 2025: September 1st is day 20332, July 1st day 20270.
    september += transaction.day >= 20332 && transaction.day < 20362 ? 1 : 0;
    july += transaction.day >= 20270 && transaction.day < 20300 ? 1 : 0;
  }
  EXPECT_GT(september, july) << "school terms are busier than summer";
  for (size_t i = 0; i < tenant.clients.size(); ++i) {
    if (tenant.clients[i].pattern == Pattern::kProspect) {
      EXPECT_EQ(purchases[i], 0);
    } else if (tenant.clients[i].pattern == Pattern::kOneVisit) {
      EXPECT_EQ(purchases[i], 1);
    }
  }
}

TEST(TenantGenerator, ReferralChainsRunForwardInTimeWithAtMostThreeRefereesEach) {
  const DemoTenant tenant = GenerateTenant(Options(42));
  ASSERT_FALSE(tenant.referrals.empty());
  std::map<int32_t, int> per_referrer;
  std::set<int32_t> referees;
  for (const DemoReferral& referral : tenant.referrals) {
    EXPECT_LT(referral.referrer, referral.referee) << "a referrer arrived first";
    EXPECT_TRUE(referees.insert(referral.referee).second) << "a referee is claimed once";
    EXPECT_LE(++per_referrer[referral.referrer], 3);
    const Pattern pattern = tenant.clients[static_cast<size_t>(referral.referrer)].pattern;
    EXPECT_TRUE(pattern == Pattern::kRegular || pattern == Pattern::kLoyal);
    EXPECT_EQ(tenant.clients[static_cast<size_t>(referral.referee)].acquisition_channel,
              "referral");
  }
}

}  // namespace
}  // namespace clienttier::demo
