#include "tools/demo_tenant/tenant_generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

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

TEST(HistoryBatches, WholeClientsInTheirOrderAndALongHistoryInBatchesOfItsOwn) {
  // Items in day order: clients 0, 1, 0, 1, 2, 1.
  const std::vector<int32_t> clients = {0, 1, 0, 1, 2, 1};
  const auto client_of = [&](size_t i) { return clients[i]; };
  EXPECT_EQ(HistoryBatches(clients.size(), client_of, 4),
            (std::vector<std::vector<size_t>>{{0, 2}, {1, 3, 5, 4}}));
  // One client's six items with room for four: four, then two.
  const auto one_client = [](size_t) { return 7; };
  EXPECT_EQ(HistoryBatches(6, one_client, 4),
            (std::vector<std::vector<size_t>>{{0, 1, 2, 3}, {4, 5}}));
  EXPECT_TRUE(HistoryBatches(0, one_client, 4).empty());
}

TEST(HistoryBatches, TheTenantsTransactionsEachOnceAndEachClientInOneBatch) {
  const DemoTenant tenant = GenerateTenant(Options(42));
  const auto client_of = [&](size_t i) { return tenant.transactions[i].client; };
  const std::vector<std::vector<size_t>> batches =
      HistoryBatches(tenant.transactions.size(), client_of, 1000);
  std::vector<int> seen(tenant.transactions.size(), 0);
  std::map<int32_t, size_t> batch_of_client;
  for (size_t b = 0; b < batches.size(); ++b) {
    EXPECT_LE(batches[b].size(), 1000u);
    for (size_t k = 0; k < batches[b].size(); ++k) {
      const size_t i = batches[b][k];
      ++seen[i];
      const auto known = batch_of_client.emplace(client_of(i), b).first;
      EXPECT_EQ(known->second, b) << "client " << client_of(i) << " in two batches";
      if (k > 0 && client_of(batches[b][k - 1]) == client_of(i)) {
        EXPECT_LE(tenant.transactions[batches[b][k - 1]].day, tenant.transactions[i].day);
      }
    }
  }
  EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), static_cast<long>(seen.size()));
}

}  // namespace
}  // namespace clienttier::demo
