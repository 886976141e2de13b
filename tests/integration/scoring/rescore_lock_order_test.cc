// A rescore locks the client's score row before it reads the client's facts. Another
// transaction holding that row (a concurrent rescore of the same client by another consumer,
// replica, ScoreClient or referral event) with a change to the client's facts not yet
// committed is waited for, and the rescore then reads that change: its stored score is never
// computed from facts older than the score it replaces.
//
// The other transaction is committed only once the consumer is inside its transaction for
// c1 (it holds c1's aggregate row), so with the score row locked first the outcome is the
// same every run. The old order (facts read, then the score row locked) fails it whenever
// the consumer reaches its facts read before the commit, which it usually does (it is a few
// statements on), but not on every run: no hook stops it exactly at the lock wait.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <cppconn/statement.h>

#include "common/db/mysql_pool.h"
#include "common/db/sql_helpers.h"
#include "tests/integration/scoring/scoring_fixture.h"

namespace clienttier::scoring {
namespace {

class RescoreLockOrderTest : public ScoringFixture {
 protected:
  static void Execute(sql::Connection& connection, const std::string& sql) {
    std::unique_ptr<sql::Statement>(connection.createStatement())->execute(sql);
  }
  // Whether another transaction holds c1's aggregate row: the consumer applying c1's event
  // does from its first write until it commits. (information_schema.INNODB_TRX would show the
  // lock wait itself, but needs the PROCESS privilege the services' user does not have.)
  bool ConsumerHoldsAggregateRow() {
    try {
      scoring_->pool().WithConnection([&](sql::Connection& connection) {
        std::unique_ptr<sql::Statement> probe(connection.createStatement());
        ResultSetPtr rows(
            probe->executeQuery("SELECT logins FROM client_aggregates WHERE tenant_id = '" +
                                tenant_a_ + "' AND client_id = 'c1' FOR UPDATE NOWAIT"));
        while (rows->next()) {
        }
      });
      return false;
    } catch (const std::exception&) {
      return true;  // NOWAIT: the row is locked
    }
  }
};

TEST_F(RescoreLockOrderTest, ARescoreWaitsForTheScoreRowAndReadsTheFactsCommittedMeanwhile) {
  CreateClient("c1", writer_a_);
  RecordPurchase("t1", "c1", 12000, 40, writer_a_);
  WaitForScore("c1", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 1; });

  // The other transaction: holds c1's score row and adds a paid day to c1's facts (a day no
  // event below touches, so only the score row is contended).
  MySqlPool::Lease other = scoring_->pool().Acquire();
  other->setAutoCommit(false);
  {
    std::unique_ptr<sql::Statement> lock(other->createStatement());
    ResultSetPtr locked(lock->executeQuery("SELECT tier FROM scores WHERE tenant_id = '" +
                                           tenant_a_ + "' AND client_id = 'c1' FOR UPDATE"));
    ASSERT_TRUE(locked->next());
  }
  const int64_t day = now_seconds_ / 86400 - 10;
  Execute(*other,
          "INSERT INTO client_activity_days (tenant_id, client_id, day, currency, purchases, "
          "sessions, spend_minor) VALUES ('" +
              tenant_a_ + "', 'c1', " + std::to_string(day) + ", 'CNY', 1, 1, 777)");

  RecordPurchase("t2", "c1", 8000, 20, writer_a_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool waited = false;
  while (!(waited = ConsumerHoldsAggregateRow()) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  other->commit();
  other->setAutoCommit(true);
  ASSERT_TRUE(waited) << "the consumer never started applying c1's event";

  // The consumer's score counts the held paid day as well as both purchases.
  const v1::Score score = WaitForScore("c1", reader_a_, [](const v1::Score& s) {
    return s.lifetime_spend().units() == 12000 + 8000 + 777;
  });
  EXPECT_EQ(score.lifetime_spend().units(), 12000 + 8000 + 777);
}

}  // namespace
}  // namespace clienttier::scoring
