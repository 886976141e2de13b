// Rescoring under a backlog on the real scoring, MariaDB and Redis: a consumer whose reads come
// back full applies them and queues their clients (rescore_queue, migration 011), and rescores
// the queue once it has caught up; a queue a stopped replica left is rescored by the next one,
// and the pods' ct_scoring_rescore_queue_clients shows it meanwhile.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <cppconn/statement.h>

#include "common/db/sql_helpers.h"
#include "tests/integration/scoring/scoring_fixture.h"
#include "tests/support/metric_value.h"

namespace clienttier::scoring {
namespace {

constexpr int kReadSize = 4;  // reads of 4 events are backlog reads
constexpr int kClients = 6;

class BacklogRescoreTest : public ScoringFixture {
 protected:
  void AdjustScoringConfig(ScoringAppConfig& config) override { config.consumer.batch = kReadSize; }

  static std::string Client(int i) { return "backlog-" + std::to_string(i); }
  int64_t Queued() {
    int64_t queued = -1;
    scoring_->pool().WithConnection([&](sql::Connection& connection) {
      std::unique_ptr<sql::Statement> statement(connection.createStatement());
      ResultSetPtr result(statement->executeQuery(
          "SELECT COUNT(*) FROM rescore_queue WHERE tenant_id = '" + tenant_a_ + "'"));
      if (result->next()) {
        queued = result->getInt64(1);
      }
    });
    return queued;
  }
  // Polls the scoring pod's ct_scoring_rescore_queue_clients (RescoreQueueMonitor, every 5 s)
  // until it reads `expected` (bounded, 15 s); returns the last value.
  double WaitForQueueGauge(double expected) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    double value = -1;
    while (std::chrono::steady_clock::now() < deadline) {
      value =
          testing::MetricValue(scoring_->metrics().Render(), "ct_scoring_rescore_queue_clients");
      if (value == expected) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return value;
  }
  bool HasScore(const std::string& client_id) {
    v1::GetScoreRequest request;
    request.set_client_id(client_id);
    v1::Score score;
    return stub_->GetScore(Context(reader_a_).get(), request, &score).ok();
  }
};

TEST_F(BacklogRescoreTest, FullReadsQueueTheirClientsAndTheQueueIsRescoredOnceCaughtUp) {
  scoring_->consumer().Stop();  // the stream fills up: reads of kReadSize come back full
  for (int round = 1; round <= 3; ++round) {
    for (int i = 0; i < kClients; ++i) {
      PublishProfileEvent(PurchaseEvent(Client(i), 1000 * round + i));
    }
  }
  scoring_->consumer().Start();

  for (int i = 0; i < kClients; ++i) {
    const v1::Score score = WaitForScore(
        Client(i), reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 3; });
    EXPECT_EQ(score.lifetime_spend().units(), 6000 + 3 * i) << Client(i);
  }
  EXPECT_GE(Counter("ct_scoring_events_queued_rescores_total"), 1u);  // the queue was used
  EXPECT_EQ(Queued(), 0);
}

TEST_F(BacklogRescoreTest, AQueueAStoppedReplicaLeftIsRescoredByTheNextOne) {
  scoring_->consumer().Stop();
  // A backlog read applied through the use case the consumer runs: committed and queued.
  std::vector<pv1::ProfileEvent> read;
  for (int i = 0; i < kReadSize; ++i) {
    read.push_back(PurchaseEvent(Client(i), 500 + i));
  }
  ASSERT_EQ(scoring_->profile_events().Apply(read), kReadSize);
  ASSERT_EQ(Queued(), kReadSize);
  EXPECT_FALSE(HasScore(Client(0)));                   // applied, not yet rescored
  EXPECT_EQ(WaitForQueueGauge(kReadSize), kReadSize);  // what consumer lag does not show

  // The replica goes away before it rescored; the next one starts on the same schema.
  scoring_->Stop();
  scoring_ = std::make_unique<ScoringApp>(scoring_config_);
  scoring_port_ = scoring_->Start();
  stub_ = v1::ScoringService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(scoring_port_), grpc::InsecureChannelCredentials()));

  for (int i = 0; i < kReadSize; ++i) {
    const v1::Score score = WaitForScore(
        Client(i), reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 1; });
    EXPECT_EQ(score.lifetime_spend().units(), 500 + i) << Client(i);
  }
  EXPECT_EQ(Queued(), 0);
  EXPECT_EQ(WaitForQueueGauge(0), 0);
}

}  // namespace
}  // namespace clienttier::scoring
