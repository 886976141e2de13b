// Two scoring replicas (two ScoringApps over one schema, as two pods; the second with two
// consumers) in one consumer group of ct:events:profile: they split the stream, and every event
// is applied exactly once.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include <cppconn/statement.h>

#include "common/db/sql_helpers.h"
#include "tests/integration/scoring/scoring_fixture.h"

namespace clienttier::scoring {
namespace {

constexpr int kClients = 40;
constexpr int kBatches = 20;
constexpr int kPerBatch = 100;

class TwoReplicasTest : public ScoringFixture {
 protected:
  void SetUp() override {
    ScoringFixture::SetUp();
    ScoringAppConfig second = scoring_config_;
    second.consumer.consumer_name = "test-consumer-2";
    // Smaller reads than the first replica's: the two take their turns with the stream. Two
    // consumers in it, as --profile-consumers=2 runs them.
    second.consumer.batch = 100;
    second.profile_consumers = 2;
    second_ = std::make_unique<ScoringApp>(second);
    second_->Start();
  }
  void TearDown() override {
    if (second_) {
      second_->Stop();
      second_.reset();
    }
    ScoringFixture::TearDown();
  }

  static uint64_t Applied(ScoringApp& app) {
    return app.metrics().GetCounter("ct_scoring_events_applied_total", "").value();
  }
  // One number from scoring's schema (the replicas share it).
  int64_t QueryNumber(const std::string& sql) {
    int64_t value = -1;
    scoring_->pool().WithConnection([&](sql::Connection& connection) {
      std::unique_ptr<sql::Statement> statement(connection.createStatement());
      ResultSetPtr result(statement->executeQuery(sql));
      if (result->next()) {
        value = result->getInt64(1);
      }
    });
    return value;
  }
  int64_t TenantNumber(const std::string& select_from) {
    return QueryNumber(select_from + " WHERE tenant_id = '" + tenant_a_ + "'");
  }

  std::unique_ptr<ScoringApp> second_;
};

TEST_F(TwoReplicasTest, TwoReplicasInOneGroupApplyEachEventOnce) {
  const uint64_t applied_before = Applied(*scoring_) + Applied(*second_);
  for (int c = 0; c < kClients; ++c) {
    CreateClient("c" + std::to_string(c), writer_a_);
  }
  // Purchases in batches through client-profile, so its relay publishes them over a while and
  // both replicas' reads find some.
  int64_t spend = 0;
  int64_t events = kClients;  // client_created, then one transactions_recorded per client per batch
  for (int b = 0; b < kBatches; ++b) {
    profile::v1::RecordTransactionsRequest request;
    std::set<int> clients;
    for (int i = 0; i < kPerBatch; ++i) {
      const int n = b * kPerBatch + i;
      clients.insert(n % kClients);
      auto* input = request.add_transactions();
      input->set_idempotency_key("k" + std::to_string(n));
      input->set_client_id("c" + std::to_string(n % kClients));
      input->set_kind(profile::v1::TRANSACTION_KIND_PURCHASE);
      input->mutable_amount()->set_units(100 + n);
      input->mutable_amount()->set_currency("CNY");
      input->set_category("workshop");
      input->mutable_occurred_at()->set_seconds(now_seconds_ - int64_t{86400} * (n % 300));
      spend += 100 + n;
    }
    profile::v1::RecordTransactionsResponse response;
    const grpc::Status status =
        profile_stub_->RecordTransactions(Context(writer_a_).get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.recorded_count(), kPerBatch);
    events += static_cast<int64_t>(clients.size());
  }

  // The events' ids, recorded once each (client-profile's ids are version 7 UUIDs: 16-byte keys
  // of migration 009). The replicas also apply other tests' tenants from the shared stream, so
  // only this tenant's rows are counted.
  const std::string processed = "SELECT COUNT(*) FROM processed_event_keys";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (TenantNumber(processed) < events && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(TenantNumber(processed), events);

  // Applied once: the sums are the written purchases', not more.
  EXPECT_EQ(TenantNumber("SELECT SUM(purchases) FROM client_activity_days"), kBatches * kPerBatch);
  EXPECT_EQ(TenantNumber("SELECT SUM(spend_minor) FROM client_activity_days"), spend);
  EXPECT_EQ(TenantNumber("SELECT COUNT(*) FROM client_aggregates"), kClients);
  EXPECT_EQ(TenantNumber("SELECT COUNT(*) FROM scores"), kClients);
  // Each score holds its client's whole history (the last rescore saw every event of it).
  for (int c = 0; c < kClients; c += 13) {
    const v1::Score score = WaitForScore("c" + std::to_string(c), reader_a_, [](const auto& s) {
      return s.lifetime_purchases() == kBatches * kPerBatch / kClients;
    });
    EXPECT_EQ(score.lifetime_purchases(), kBatches * kPerBatch / kClients);
  }
  // Both replicas applied some; together at least every event (other tests' tenants may share
  // the stream, so not exactly).
  const uint64_t first = Applied(*scoring_);
  const uint64_t second = Applied(*second_);
  EXPECT_GT(first, 0u);
  EXPECT_GT(second, 0u);
  EXPECT_GE(first + second - applied_before, static_cast<uint64_t>(events));
}

}  // namespace
}  // namespace clienttier::scoring
