// BatchRescore's shards on the real MariaDB (issue 16 part 5): the stored shard key is the rule
// the fakes apply, shard k of n scores exactly its own clients, and it reads about 1/n of the
// rows a whole-tenant run reads (MariaDB's session Handler_read_* counters of every connection
// the job used, before and after each of its transactions).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include "common/db/mysql_pool.h"
#include "common/db/sql_helpers.h"
#include "common/db/transaction.h"
#include "common/outbox/outbox_writer.h"
#include "services/scoring/app/batch_jobs.h"
#include "services/scoring/app/tenant_facts.h"
#include "services/scoring/scoring_app.h"
#include "services/scoring/storage/mysql/mysql_aggregate_repository.h"
#include "services/scoring/storage/mysql/mysql_exchange_rate_repository.h"
#include "services/scoring/storage/mysql/mysql_rescore_queue.h"
#include "services/scoring/storage/mysql/mysql_score_repository.h"
#include "services/scoring/storage/mysql/mysql_version_repository.h"
#include "tests/support/scoring/fake_scoring_repositories.h"
#include "tests/support/test_env.h"

namespace clienttier::scoring {
namespace {

constexpr char kTenant[] = "shard-tenant";
constexpr char kOtherTenant[] = "other-tenant";
constexpr Day kToday = 20'000;
constexpr int kClients = 4000;

// Rows MariaDB read for this connection's session so far (every Handler_read_* counter).
int64_t SessionRowsRead(sql::Connection& connection) {
  std::unique_ptr<sql::Statement> statement(connection.createStatement());
  std::unique_ptr<sql::ResultSet> rows(statement->executeQuery("SHOW SESSION STATUS"));
  int64_t total = 0;
  while (rows->next()) {
    const std::string name = rows->getString(1);
    if (name.rfind("Handler_read_", 0) == 0) {
      total += rows->getInt64(2);
    }
  }
  return total;
}

// MySqlTransactionRunner that adds up the rows each of its transactions read (SHOW STATUS
// itself reads none: it is answered from the session's counters).
class CountingTransactionRunner final : public TransactionRunner {
 public:
  explicit CountingTransactionRunner(MySqlPool& pool) : pool_(pool) {}

  void InTransaction(const std::function<void(Transaction&)>& work) override {
    pool_.InTransaction([&](sql::Connection& connection) { Counted(connection, work); });
  }
  void Read(const std::function<void(Transaction&)>& work) override {
    pool_.WithConnection([&](sql::Connection& connection) { Counted(connection, work); });
  }

  std::atomic<int64_t> rows_read{0};

 private:
  void Counted(sql::Connection& connection, const std::function<void(Transaction&)>& work) {
    const int64_t before = SessionRowsRead(connection);
    MySqlTransaction transaction(connection);
    work(transaction);
    rows_read += SessionRowsRead(connection) - before;
  }

  MySqlPool& pool_;
};

class ShardReadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MySqlConfig mysql = clienttier::testing::MySqlFromEnv(
        clienttier::testing::UniqueDatabaseName("scoring_shards"));
    mysql.pool_size = 8;
    ScoringApp::Migrate(mysql);
    pool_ = std::make_unique<MySqlPool>(mysql, nullptr);
    transactions_ = std::make_unique<CountingTransactionRunner>(*pool_);
    calculator_ = std::make_unique<ScoreCalculator>(versions_, aggregates_, rates_, "CNY");
    change_writer_ = std::make_unique<ScoreChangeWriter>(scores_, outbox_);
    referral_ = std::make_unique<ReferralCountsRefresher>(*transactions_, aggregates_, nullptr);
    jobs_ =
        std::make_unique<BatchJobs>(*transactions_, *calculator_, aggregates_, scores_, versions_,
                                    *change_writer_, queue_, *referral_, cache_, clock_);
    for (int i = 0; i < kClients; ++i) {
      ids_.push_back("client-" + std::to_string(i));
    }
    Seed(kTenant, ids_);
    Seed(kOtherTenant, {"client-1", "client-2", "someone-else"});
    // An erased client is in no shard's work.
    Execute("UPDATE client_aggregates SET erased = 1 WHERE tenant_id = '" + std::string(kTenant) +
            "' AND client_id = 'client-7'");
    ids_.erase(ids_.begin() + 7);
  }

  void Execute(const std::string& sql) {
    pool_->WithConnection([&](sql::Connection& connection) {
      std::unique_ptr<sql::Statement>(connection.createStatement())->execute(sql);
    });
  }

  // Each client gets 1-3 paid days; ids are test literals, safe to inline.
  void Seed(const std::string& tenant_id, const std::vector<std::string>& ids) {
    for (size_t begin = 0; begin < ids.size(); begin += 500) {
      std::string clients =
          "INSERT INTO client_aggregates (tenant_id, client_id, last_activity_day, updated_at) "
          "VALUES ";
      std::string days =
          "INSERT INTO client_activity_days (tenant_id, client_id, day, currency, purchases, "
          "sessions, spend_minor) VALUES ";
      for (size_t i = begin; i < std::min(ids.size(), begin + 500); ++i) {
        const std::string key = "('" + tenant_id + "','" + ids[i] + "',";
        clients += std::string(i == begin ? "" : ",") + key + std::to_string(kToday - 3) +
                   ",'2024-10-04 00:00:00')";
        for (size_t day = 0; day <= i % 3; ++day) {
          days += std::string(i == begin && day == 0 ? "" : ",") + key +
                  std::to_string(kToday - 3 - 40 * static_cast<Day>(day)) + ",'CNY',1,0," +
                  std::to_string(1000 * (1 + static_cast<int64_t>(i % 17))) + ")";
        }
      }
      Execute(clients);
      Execute(days);
    }
  }

  // Runs BatchRescore at `now`; returns the rows it read and the clients whose score it wrote.
  std::pair<int64_t, std::set<std::string>> Run(int shard_index, int shard_count, UnixMicros now) {
    clock_.now = now;
    v1::BatchRescoreRequest request;
    request.set_shard_index(shard_index);
    request.set_shard_count(shard_count);
    bool done = false;
    const int64_t before = transactions_->rows_read;
    jobs_->BatchRescore(kTenant, request, [&](const v1::BatchRescoreProgress& progress) {
      done = progress.done();
      return true;
    });
    const int64_t read = transactions_->rows_read - before;
    EXPECT_TRUE(done);
    std::set<std::string> scored;
    pool_->WithConnection([&](sql::Connection& connection) {
      auto select =
          Prepare(connection, "SELECT client_id FROM scores WHERE tenant_id = ? AND as_of = ?");
      select->setString(1, kTenant);
      select->setString(2, FormatSqlDatetime(now));
      for (auto rows = Query(*select); rows->next();) {
        scored.insert(rows->getString(1));
      }
    });
    return {read, scored};
  }

  // The tenant's clients in rescore_queue.
  std::set<std::string> Queued(const std::string& tenant_id) {
    std::set<std::string> queued;
    pool_->WithConnection([&](sql::Connection& connection) {
      auto select = Prepare(connection, "SELECT client_id FROM rescore_queue WHERE tenant_id = ?");
      select->setString(1, tenant_id);
      for (auto rows = Query(*select); rows->next();) {
        queued.insert(rows->getString(1));
      }
    });
    return queued;
  }
  void Queue(const std::string& tenant_id, const std::vector<std::string>& client_ids) {
    transactions_->InTransaction(
        [&](Transaction& transaction) { queue_.Add(transaction, tenant_id, client_ids, At(0)); });
  }

  static UnixMicros At(int seconds) {
    return kToday * kMicrosPerDay + 10 * 3600 * kMicrosPerSecond + seconds * kMicrosPerSecond;
  }

  std::unique_ptr<MySqlPool> pool_;
  std::unique_ptr<CountingTransactionRunner> transactions_;
  MySqlAggregateRepository aggregates_;
  MySqlScoreRepository scores_;
  MySqlVersionRepository versions_;
  MySqlExchangeRateRepository rates_;
  MySqlOutboxWriter outbox_;
  MySqlRescoreQueue queue_;
  testing::FakeScoreCache cache_;
  testing::FixedClock clock_{At(0)};
  std::unique_ptr<ScoreCalculator> calculator_;
  std::unique_ptr<ScoreChangeWriter> change_writer_;
  std::unique_ptr<ReferralCountsRefresher> referral_;
  std::unique_ptr<BatchJobs> jobs_;
  std::vector<std::string> ids_;  // the tenant's not erased clients
};

TEST_F(ShardReadsTest, TheStoredBucketIsTheRuleTheFakesApply) {
  std::map<std::string, int> stored;
  pool_->WithConnection([&](sql::Connection& connection) {
    auto select = Prepare(
        connection, "SELECT client_id, shard_bucket FROM client_aggregates WHERE tenant_id = ?");
    select->setString(1, kTenant);
    for (auto rows = Query(*select); rows->next();) {
      stored.emplace(rows->getString(1), rows->getInt(2));
    }
  });
  ASSERT_EQ(stored.size(), static_cast<size_t>(kClients));
  for (const auto& [client_id, bucket] : stored) {
    ASSERT_EQ(bucket, testing::ShardBucketOf(client_id)) << client_id;
  }
  // The other tables a shard reads carry the same key (migration 010).
  Run(0, 1, At(0));
  for (const char* table : {"client_activity_days", "scores"}) {
    int64_t rows = 0;
    pool_->WithConnection([&](sql::Connection& connection) {
      auto select = Prepare(connection, std::string("SELECT client_id, shard_bucket FROM ") +
                                            table + " WHERE tenant_id = ?");
      select->setString(1, kTenant);
      for (auto row = Query(*select); row->next(); ++rows) {
        ASSERT_EQ(row->getInt(2), testing::ShardBucketOf(row->getString(1))) << table;
      }
    });
    EXPECT_GE(rows, kClients - 1) << table;
  }
  // A row written later gets its bucket from MariaDB too (no writer fills it).
  Execute(
      "INSERT INTO client_aggregates (tenant_id, client_id, updated_at) VALUES "
      "('late', 'newcomer-\xc3\xa9', '2024-10-04 00:00:00')");
  pool_->WithConnection([&](sql::Connection& connection) {
    auto select =
        Prepare(connection, "SELECT shard_bucket FROM client_aggregates WHERE tenant_id = 'late'");
    auto row = Query(*select);
    ASSERT_TRUE(row->next());
    EXPECT_EQ(row->getInt(1), testing::ShardBucketOf("newcomer-\xc3\xa9"));
  });
}

TEST_F(ShardReadsTest, ARowQueuedAgainAfterItWasReadKeepsItWhenTheReadRowsAreRemoved) {
  Queue(kTenant, {"client-1", "client-2", "client-3"});
  Queue(kOtherTenant, {"client-2"});
  QueueTokens read;
  transactions_->Read([&](Transaction& transaction) {
    read = queue_.QueuedInRange(transaction, kTenant, ClientRange{});
  });
  ASSERT_EQ(read.size(), 3u);
  Queue(kTenant, {"client-2"});  // queued again: a new token
  transactions_->InTransaction(
      [&](Transaction& transaction) { queue_.RemoveUnchanged(transaction, kTenant, read); });
  EXPECT_EQ(Queued(kTenant), std::set<std::string>{"client-2"});
  EXPECT_EQ(Queued(kOtherTenant), std::set<std::string>{"client-2"});

  // A range of buckets (a shard's) reads only its clients' rows, from the shard index.
  Queue(kTenant, ids_);
  ClientRange buckets;
  buckets.buckets = {testing::ShardBucketOf("client-1"), testing::ShardBucketOf("client-99")};
  std::sort(buckets.buckets.begin(), buckets.buckets.end());
  std::set<std::string> expected;
  for (const std::string& id : ids_) {
    if (std::binary_search(buckets.buckets.begin(), buckets.buckets.end(),
                           testing::ShardBucketOf(id))) {
      expected.insert(id);
    }
  }
  std::set<std::string> in_range;
  transactions_->Read([&](Transaction& transaction) {
    for (const auto& [client_id, token] : queue_.QueuedInRange(transaction, kTenant, buckets)) {
      in_range.insert(client_id);
    }
  });
  EXPECT_EQ(in_range, expected);
  EXPECT_GE(expected.size(), 2u);
}

TEST_F(ShardReadsTest, ARunTakesOverTheQueuedClientsItScoresAndOnlyThose) {
  constexpr int kShards = 4;
  Run(0, 1, At(0));  // the population the shard uses
  std::vector<std::string> queued;
  for (size_t i = 0; i < ids_.size(); i += 10) {
    queued.push_back(ids_[i]);
  }
  Queue(kTenant, queued);
  Queue(kTenant, {"client-7"});  // erased: no run scores it, the consumers' rescore removes it
  Queue(kOtherTenant, {"client-1"});

  const auto [read, scored] = Run(1, kShards, At(10));
  std::set<std::string> left{"client-7"};
  size_t taken = 0;
  for (const std::string& id : queued) {
    if (scored.count(id) == 0) {
      left.insert(id);
    } else {
      ++taken;
    }
  }
  EXPECT_GT(taken, queued.size() / kShards / 2);
  EXPECT_EQ(Queued(kTenant), left);  // the shard took over its own clients only

  Run(0, 1, At(20));
  EXPECT_EQ(Queued(kTenant), std::set<std::string>{"client-7"});
  EXPECT_EQ(Queued(kOtherTenant), std::set<std::string>{"client-1"});
}

TEST_F(ShardReadsTest, EachShardScoresExactlyItsClientsAndTogetherTheTenant) {
  constexpr int kShards = 4;
  // The population is computed once, by the whole-tenant run, and shared by the shards.
  const auto whole = Run(0, 1, At(0));
  ASSERT_EQ(whole.second, std::set<std::string>(ids_.begin(), ids_.end()));
  std::set<std::string> all;
  for (int shard = 0; shard < kShards; ++shard) {
    const auto [read, scored] = Run(shard, kShards, At(1 + shard));
    std::set<std::string> expected;
    for (const std::string& id : ids_) {
      if (testing::ShardOfClient(id, kShards) == shard) {
        expected.insert(id);
      }
    }
    EXPECT_EQ(scored, expected) << "shard " << shard;
    EXPECT_GT(expected.size(), static_cast<size_t>(kClients / kShards * 8 / 10));
    for (const std::string& id : scored) {
      EXPECT_TRUE(all.insert(id).second) << id << " scored by two shards";
    }
  }
  EXPECT_EQ(all, std::set<std::string>(ids_.begin(), ids_.end()));
  // The other tenant's clients were never scored.
  pool_->WithConnection([&](sql::Connection& connection) {
    auto count = Prepare(connection, "SELECT COUNT(*) FROM scores WHERE tenant_id = '" +
                                         std::string(kOtherTenant) + "'");
    auto row = Query(*count);
    ASSERT_TRUE(row->next());
    EXPECT_EQ(row->getInt64(1), 0);
  });
  // Only the whole-tenant run stored a population.
  transactions_->Read([&](Transaction& transaction) {
    EXPECT_EQ(versions_.LatestPopulation(transaction, kTenant)->version(), 1);
  });
}

TEST_F(ShardReadsTest, AShardReadsAboutItsShareOfTheTenantsRows) {
  constexpr int kShards = 4;
  // 16,000 clients, ~16 per bucket: a shard's cost per bucket (a range start and end in each
  // table's shard index, ~2,000 rows for its 256 buckets whatever the tenant's size) is then
  // small beside its cost per client, which is what differs from looking clients up by id (an
  // index dive per client in each table). At 4,000 clients the two cost about the same (0.30
  // now, 0.31 or 0.39 by the old count's plan); rescore-bench's 1M clients: 0.250, was 0.285+.
  std::vector<std::string> more;
  for (int i = 0; i < 12000; ++i) {
    more.push_back("more-" + std::to_string(i));
  }
  Seed(kTenant, more);
  Run(0, 1, At(0));  // scores exist from here on: both runs below read previous scores
  const int64_t whole = Run(0, 1, At(1)).first;
  const int64_t shard = Run(0, kShards, At(2)).first;
  const double fraction = static_cast<double>(shard) / static_cast<double>(whole);
  std::printf("rows read: whole tenant %lld, shard 0 of %d %lld (%.3f of the whole)\n",
              static_cast<long long>(whole), kShards, static_cast<long long>(shard), fraction);
  RecordProperty("shard_read_fraction", std::to_string(fraction));
  EXPECT_GT(whole, 4 * kClients);  // every aggregate and paid day at least
  EXPECT_LE(fraction, 0.29);
  EXPECT_GE(fraction, 0.15);  // it did read its own clients
}

// Each client's score from its shard is the one a whole-tenant run at the same moment writes,
// byte for byte: the same facts, previous state, override and shared population.
TEST_F(ShardReadsTest, AShardWritesTheScoresAWholeRunWritesForItsClients) {
  constexpr int kShards = 4;
  Run(0, 1, At(0));  // first scores: both runs below start from these previous states
  v1::TierOverride tier_override;
  tier_override.set_mode(v1::TierOverride::MODE_FIXED);
  tier_override.set_tier(v1::TIER_T1);
  tier_override.set_reason("board member");
  tier_override.set_author("key-1");
  *tier_override.mutable_expires_at() = ToProtoTimestamp(At(0) + 30 * kMicrosPerDay);
  transactions_->InTransaction([&](Transaction& transaction) {
    for (const std::string& id : {ids_[3], ids_[1000], ids_[2500]}) {
      scores_.PutOverride(transaction, kTenant, id, tier_override, At(0));
    }
  });
  const std::string columns =
      "tenant_id, client_id, as_of, score, tier, lifecycle, quadrant, rfm_segment, "
      "churn_warning, value_12m_minor, below_since_day, config_version, model_version, "
      "population_version, payload";
  Execute("CREATE TABLE scores_before AS SELECT " + columns + " FROM scores");
  const auto stored = [&] {
    std::map<std::string, std::string> rows;
    pool_->WithConnection([&](sql::Connection& connection) {
      auto select = Prepare(connection,
                            "SELECT client_id, tier, below_since_day, churn_warning, payload FROM "
                            "scores WHERE tenant_id = ?");
      select->setString(1, kTenant);
      for (auto row = Query(*select); row->next();) {
        rows.emplace(row->getString(1), std::to_string(row->getInt(2)) + "/" +
                                            (row->isNull(3) ? "-" : row->getString(3)) + "/" +
                                            row->getString(4) + "/" + row->getString(5));
      }
    });
    return rows;
  };
  Run(0, 1, At(1));  // stores the population the shards then share
  const std::map<std::string, std::string> whole = stored();
  ASSERT_EQ(whole.size(), ids_.size());

  // The same moment again from the same previous scores, shard by shard.
  Execute("DELETE FROM scores");
  Execute("INSERT INTO scores (" + columns + ") SELECT " + columns + " FROM scores_before");
  for (int shard = 0; shard < kShards; ++shard) {
    Run(shard, kShards, At(1));
  }
  const std::map<std::string, std::string> sharded = stored();
  ASSERT_EQ(sharded.size(), whole.size());
  for (const auto& [client_id, row] : whole) {
    EXPECT_EQ(sharded.at(client_id), row) << client_id;
  }
  // The overrides were applied (the shards read them from their own ranges too).
  EXPECT_EQ(whole.at(ids_[1000]).rfind(std::to_string(v1::TIER_T1) + "/", 0), 0u);
}

// A whole-tenant run reads the tenant in ranges of 5,000 clients on two connections at once and
// writes chunks of 2,000 with LOAD DATA: each client is scored once, with its own previous tier
// and override, also at the ranges' ends.
TEST_F(ShardReadsTest, AWholeTenantRunInRangesScoresEachClientOnceWithItsOwnPreviousAndOverride) {
  std::vector<std::string> more;
  for (int i = 0; i < 7000; ++i) {
    more.push_back("paged-" + std::to_string(i));
  }
  Seed(kTenant, more);
  ids_.insert(ids_.end(), more.begin(), more.end());
  std::vector<std::string> ordered = ids_;
  std::sort(ordered.begin(), ordered.end());  // test ids are ASCII: the collation's order
  ASSERT_EQ(Run(0, 1, At(0)).second, std::set<std::string>(ids_.begin(), ids_.end()));

  // A fixed tier on the first client of the second range, different from its stored tier.
  const std::string fixed = ordered[5000];
  std::optional<StoredScore> before;
  transactions_->Read(
      [&](Transaction& transaction) { before = scores_.Get(transaction, kTenant, fixed); });
  ASSERT_TRUE(before.has_value());
  const v1::Tier wanted = before->score.tier() == v1::TIER_T1 ? v1::TIER_T3 : v1::TIER_T1;
  v1::TierOverride tier_override;
  tier_override.set_mode(v1::TierOverride::MODE_FIXED);
  tier_override.set_tier(wanted);
  tier_override.set_reason("board member");
  tier_override.set_author("key-1");
  *tier_override.mutable_expires_at() = ToProtoTimestamp(At(0) + 30 * kMicrosPerDay);
  transactions_->InTransaction([&](Transaction& transaction) {
    scores_.PutOverride(transaction, kTenant, fixed, tier_override, At(0));
  });

  const auto [read, scored] = Run(0, 1, At(1));
  EXPECT_EQ(scored, std::set<std::string>(ids_.begin(), ids_.end()));
  // The tenant's cached scores were dropped as a whole (by the three chunk writers and the
  // last refresh), none client by client.
  EXPECT_GE(cache_.tenants_invalidated[kTenant], 1);
  EXPECT_TRUE(cache_.invalidated.empty());
  std::vector<std::pair<int64_t, v1::TierChange>> changes;
  transactions_->Read([&](Transaction& transaction) {
    changes = scores_.ListTierChanges(transaction, kTenant, 0, 0, "", 100);
  });
  // The override moved its client only, from the tier it had (its own previous score).
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].second.client_id(), fixed);
  EXPECT_EQ(changes[0].second.from_tier(), before->score.tier());
  EXPECT_EQ(changes[0].second.to_tier(), wanted);
  // The loaded rows read back as written: columns and payload agree.
  pool_->WithConnection([&](sql::Connection& connection) {
    auto select = Prepare(connection,
                          "SELECT COUNT(*), SUM(tier = ?), SUM(LENGTH(payload) > 0) FROM scores "
                          "WHERE tenant_id = ? AND client_id = ?");
    select->setInt(1, wanted);
    select->setString(2, kTenant);
    select->setString(3, fixed);
    auto row = Query(*select);
    ASSERT_TRUE(row->next());
    EXPECT_EQ(row->getInt64(1), 1);
    EXPECT_EQ(row->getInt64(2), 1);
    EXPECT_EQ(row->getInt64(3), 1);
  });
  for (const std::string& id : {ordered.front(), ordered[4999], fixed, ordered.back()}) {
    std::optional<StoredScore> stored;
    transactions_->Read(
        [&](Transaction& transaction) { stored = scores_.Get(transaction, kTenant, id); });
    ASSERT_TRUE(stored.has_value()) << id;
    EXPECT_EQ(stored->score.client_id(), id);
    EXPECT_EQ(FromProtoTimestamp(stored->score.as_of()), At(1));
    EXPECT_EQ(stored->score.has_tier_override(), id == fixed) << id;
  }
}

// A server that refuses LOCAL files (local_infile off, the real setting) still gets every score:
// the refused LOAD DATA writes nothing and the chunk is inserted as SQL in the same transaction.
TEST_F(ShardReadsTest, AServerWithoutLocalInfileStillGetsEveryScore) {
  Execute("SET GLOBAL local_infile = 0");
  const auto [read, scored] = Run(0, 1, At(0));
  Execute("SET GLOBAL local_infile = 1");
  EXPECT_EQ(scored, std::set<std::string>(ids_.begin(), ids_.end()));
  std::optional<StoredScore> stored;
  transactions_->Read(
      [&](Transaction& transaction) { stored = scores_.Get(transaction, kTenant, ids_.back()); });
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->score.client_id(), ids_.back());
}

}  // namespace
}  // namespace clienttier::scoring

namespace clienttier::scoring {
namespace {

// A batch's chunk goes through LOAD DATA (from 500 rows), whose fields escape the bytes that end
// or garble a field: ids, segments and payloads holding each of them come back byte for byte.
TEST_F(ShardReadsTest, BulkWrittenScoresKeepEveryByteTheRowFormatEscapes) {
  const std::vector<std::string> awkward = {std::string("tab\there"), "line\nbreak", "back\\slash",
                                            std::string("nul\0byte", 8),
                                            std::string("\\\t\n\0\\", 5)};
  std::vector<StoredScore> rows(600);
  for (size_t i = 0; i < rows.size(); ++i) {
    v1::Score& score = rows[i].score;
    score.set_client_id("bulk-" + std::to_string(i) + awkward[i % awkward.size()]);
    score.set_churn_reason(awkward[(i + 1) % awkward.size()] + std::to_string(i));
    score.mutable_rfm()->set_segment(awkward[(i + 2) % awkward.size()]);
    score.set_score(static_cast<double>(i) / 7);
    score.set_tier(v1::TIER_T2);
    *score.mutable_as_of() = ToProtoTimestamp(kToday * kMicrosPerDay);
    rows[i].tier_state.tier = Tier::kT2;
    rows[i].tier_state.below_since = i % 2 == 0 ? kNever : kToday - 3;
  }
  transactions_->InTransaction(
      [&](Transaction& transaction) { scores_.UpsertMany(transaction, kTenant, rows); });
  for (const StoredScore& row : rows) {
    std::optional<StoredScore> stored;
    transactions_->Read([&](Transaction& transaction) {
      stored = scores_.Get(transaction, kTenant, row.score.client_id());
    });
    ASSERT_TRUE(stored.has_value()) << row.score.client_id();
    EXPECT_EQ(stored->score.SerializeAsString(), row.score.SerializeAsString());
    EXPECT_EQ(stored->tier_state.below_since, row.tier_state.below_since);
  }
}

// FitClvModel's and EvaluateClvModel's read (ReadTenantFacts): ranges on two connections at once
// give the whole tenant as LoadAllFacts reads it page after page, as of each day, in client id
// order, without the other tenant's clients or the erased one.
TEST_F(ShardReadsTest, TheTenantReadInRangesIsEveryClientAsOfEachDay) {
  TenantContext context;
  transactions_->Read([&](Transaction& transaction) {
    context = calculator_->LoadStoredContext(transaction, kTenant);
  });
  const std::vector<Day> days = {kToday - 60, kToday};
  // 300 clients a range: 14 ranges of the 3,999, taken by two readers in turn.
  const std::vector<std::vector<ClientFacts>> views =
      ReadTenantFacts(*transactions_, aggregates_, kTenant, context.conversion, days, 2, 300);
  ASSERT_EQ(views.size(), days.size());
  int differ = 0;
  for (size_t k = 0; k < days.size(); ++k) {
    std::vector<ClientFacts> expected;
    transactions_->Read([&](Transaction& transaction) {
      expected = aggregates_.LoadAllFacts(transaction, kTenant, context.conversion, days[k]);
    });
    ASSERT_EQ(views[k].size(), ids_.size());
    ASSERT_EQ(expected.size(), ids_.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      ASSERT_EQ(views[k][i].client_id, expected[i].client_id) << i;
      EXPECT_EQ(views[k][i].purchase_days, expected[i].purchase_days) << expected[i].client_id;
      EXPECT_EQ(views[k][i].spend_minor, expected[i].spend_minor) << expected[i].client_id;
      EXPECT_EQ(views[k][i].last_purchase_day, expected[i].last_purchase_day);
    }
  }
  for (size_t i = 0; i < ids_.size(); ++i) {
    differ += views[0][i].purchase_days != views[1][i].purchase_days ? 1 : 0;
  }
  // Clients seeded with a paid day 3 days ago have it in the second view only.
  EXPECT_GT(differ, 0);
}

}  // namespace
}  // namespace clienttier::scoring
