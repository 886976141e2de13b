// Issue 18 part 4: the retention purge over the fakes.
#include "services/client-profile/app/retention_use_cases.h"

#include <gtest/gtest.h>

#include "tests/support/profile/fake_client_repository.h"
#include "tests/support/profile/fake_retention_repository.h"
#include "tests/support/profile/fixed_clock.h"

namespace clienttier::profile {
namespace {

using testing::FakeClientRepository;
using testing::FakeRetentionRepository;
using testing::FixedClock;

constexpr UnixMicros kNow = 20'000 * kMicrosPerDay;
const std::string kTenant = "tenant-a";
const std::string kKey = "ab12cd34";

class RetentionUseCasesTest : public ::testing::Test {
 protected:
  RetentionUseCasesTest() {
    // c-old and c-older idle for 6 and 9 years, c-recent active a month ago; another tenant's
    // idle client is not this tenant's business.
    for (const auto& [id, idle_days] :
         {std::pair{"c-old", 6 * 365}, std::pair{"c-older", 9 * 365}, std::pair{"c-recent", 30}}) {
      v1::Client client;
      client.set_client_id(id);
      client.set_email(std::string(id) + "@example.com");
      clients_.Create(kTenant, NewClient(client, kNow - idle_days * kMicrosPerDay), kKey);
      retention_.last_activity[kTenant][id] = kNow - idle_days * kMicrosPerDay;
    }
    v1::Client other;
    other.set_client_id("c-old");
    clients_.Create("tenant-b", NewClient(other, 0), kKey);
    retention_.last_activity["tenant-b"]["c-old"] = 0;
    retention_.interactions[kTenant] = {kNow - 4 * 365 * kMicrosPerDay,
                                        kNow - 2 * 365 * kMicrosPerDay, kNow - kMicrosPerDay};
  }

  // Whether the tenant's client is erased; fails the test when there is no such client.
  bool Erased(const std::string& tenant_id, const std::string& client_id) {
    const v1::Client* client = clients_.Find(tenant_id, client_id);
    EXPECT_NE(client, nullptr) << client_id;
    return client != nullptr && client->erased();
  }

  RetentionPolicy Policy(bool dry_run) const {
    RetentionPolicy policy;
    policy.erase_inactive_after_days = 5 * 365;
    policy.drop_interactions_after_days = 3 * 365;
    policy.dry_run = dry_run;
    return policy;
  }

  FakeClientRepository clients_;
  FakeRetentionRepository retention_{clients_};
  FixedClock clock_{kNow};
  int commits_ = 0;
  ClientUseCases client_use_cases_{clients_, clock_, [this] { ++commits_; }};
  RetentionUseCases purge_{retention_, client_use_cases_, clock_};
};

TEST_F(RetentionUseCasesTest, ADryRunReportsAndChangesNothing) {
  const RetentionReport report = purge_.Purge(kTenant, Policy(true), kKey);
  EXPECT_EQ(report.erased_client_ids, (std::vector<std::string>{"c-old", "c-older"}));
  EXPECT_EQ(report.interactions_deleted, 1);
  EXPECT_FALSE(report.more);
  EXPECT_EQ(report.clients_inactive_since, kNow - 5 * 365 * kMicrosPerDay);
  EXPECT_FALSE(Erased(kTenant, "c-old"));
  EXPECT_EQ(retention_.interactions[kTenant].size(), 3U);
  EXPECT_EQ(commits_, 0);
}

TEST_F(RetentionUseCasesTest, PurgedClientsAreErasedAsEraseClientDoesAndARerunFindsNothing) {
  const RetentionReport report = purge_.Purge(kTenant, Policy(false), kKey);
  EXPECT_EQ(report.erased_client_ids, (std::vector<std::string>{"c-old", "c-older"}));
  for (const char* id : {"c-old", "c-older"}) {
    const v1::Client* client = clients_.Find(kTenant, id);
    ASSERT_NE(client, nullptr);
    EXPECT_TRUE(client->erased());
    EXPECT_EQ(client->email(), "");
    // The erasure path: the consent history keeps only the erasure, by the purging key.
    const auto& history = clients_.consent_history[kTenant][id];
    ASSERT_EQ(history.size(), 1U);
    EXPECT_EQ(history.front().change.source(), v1::CONSENT_CHANGE_SOURCE_ERASE_CLIENT);
    EXPECT_EQ(history.front().change.key_id(), kKey);
  }
  EXPECT_FALSE(Erased(kTenant, "c-recent"));
  EXPECT_FALSE(Erased("tenant-b", "c-old"));
  EXPECT_EQ(retention_.interactions[kTenant].size(), 2U);
  EXPECT_EQ(commits_, 2);  // one erasure each, each waking the relay for its event

  const RetentionReport again = purge_.Purge(kTenant, Policy(false), kKey);
  EXPECT_TRUE(again.erased_client_ids.empty());
  EXPECT_EQ(again.interactions_deleted, 0);
}

TEST_F(RetentionUseCasesTest, ARunIsBoundedAndSaysWhenThereIsMore) {
  RetentionPolicy policy = Policy(false);
  policy.max_clients = 1;
  policy.drop_interactions_after_days = 0;  // turned off
  const RetentionReport first = purge_.Purge(kTenant, policy, kKey);
  EXPECT_EQ(first.erased_client_ids, std::vector<std::string>{"c-old"});
  EXPECT_TRUE(first.more);
  EXPECT_EQ(first.interactions_before, 0);
  EXPECT_EQ(retention_.interactions[kTenant].size(), 3U);
  const RetentionReport second = purge_.Purge(kTenant, policy, kKey);
  EXPECT_EQ(second.erased_client_ids, std::vector<std::string>{"c-older"});
  EXPECT_FALSE(second.more);
}

}  // namespace
}  // namespace clienttier::profile
