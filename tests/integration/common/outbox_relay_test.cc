#include "common/outbox/outbox_relay.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "common/db/sql_helpers.h"
#include "common/errors/domain_error.h"
#include "common/outbox/outbox.h"
#include "common/redis/redis_cache.h"
#include "common/redis/stream_consumer.h"
#include "tests/support/metric_value.h"
#include "tests/support/test_env.h"

namespace clienttier {
namespace {

class OutboxRelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::MySqlFromEnv(testing::UniqueDatabaseName("outbox"));
    EnsureDatabase(config_);
    pool_ = std::make_unique<MySqlPool>(config_, nullptr);
    ApplyMigrations(*pool_, "outbox", OutboxMigrations());
    stream_ = "ct:test:outbox:" + testing::UniqueSuffix();
  }
  void Append(int count) {
    pool_->InTransaction([&](sql::Connection& connection) {
      std::vector<OutboxEvent> events;
      for (int i = 0; i < count; ++i) {
        events.push_back(
            {NewEventId(), stream_, "test", "tenant", "payload-" + std::to_string(i), ""});
      }
      AppendToOutbox(connection, events);
    });
  }

  MySqlConfig config_;
  std::unique_ptr<MySqlPool> pool_;
  std::string stream_;
  MetricsRegistry metrics_;
};

TEST_F(OutboxRelayTest, OnlyOneRelayLeadsAtATime) {
  RedisClient redis(testing::RedisFromEnv(), nullptr);
  Append(5);
  OutboxRelay first(*pool_, redis, metrics_);
  OutboxRelay second(*pool_, redis, metrics_);
  EXPECT_EQ(first.RunOnce(), 5);
  EXPECT_TRUE(first.is_leader());
  Append(2);
  EXPECT_EQ(second.RunOnce(), 0);
  EXPECT_FALSE(second.is_leader());
  EXPECT_EQ(first.RunOnce(), 2);
  RedisReply length = redis.Command({"XLEN", stream_});
  EXPECT_EQ(length->integer, 7);
}

TEST_F(OutboxRelayTest, RedisDownKeepsEventsUntilItReturns) {
  testing::RedisProcess private_redis;
  private_redis.Start();
  RedisConfig config;
  config.port = private_redis.port();
  config.retry_after_ms = 1;
  RedisClient redis(config, nullptr);
  Append(3);
  const auto committed = std::chrono::steady_clock::now();
  private_redis.Stop();
  OutboxRelay relay(*pool_, redis, metrics_);
  EXPECT_THROW(relay.RunOnce(), DomainError);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // Redis stays down a while
  private_redis.Start();
  int published = 0;
  for (int attempt = 0; attempt < 5 && published < 3; ++attempt) {
    try {
      published += relay.RunOnce();
    } catch (const DomainError&) {
      // the first call after a restart may still hit the fail-fast window
    }
  }
  EXPECT_EQ(published, 3);
  RedisReply length = redis.Command({"XLEN", stream_});
  EXPECT_EQ(length->integer, 3);
  // Each event's publish delay counts the outage: from its commit to its XADD.
  const double waited_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - committed).count();
  const std::string rendered = metrics_.Render();
  EXPECT_EQ(testing::MetricValue(rendered, "ct_outbox_publish_delay_seconds_count"), 3);
  const double sum_s = testing::MetricValue(rendered, "ct_outbox_publish_delay_seconds_sum");
  EXPECT_GE(sum_s, 3 * 0.3);
  EXPECT_LE(sum_s, 3 * (waited_s + 0.1));
}

TEST_F(OutboxRelayTest, ReplayRepublishesForConsumersToDedupe) {
  RedisClient redis(testing::RedisFromEnv(), nullptr);
  Append(4);
  OutboxRelay relay(*pool_, redis, metrics_);
  ASSERT_EQ(relay.RunOnce(), 4);
  redis.Command({"DEL", stream_});  // Redis lost the stream
  EXPECT_EQ(OutboxRelay::ReplaySince(*pool_, 0), 4);
  EXPECT_EQ(relay.RunOnce(), 4);
  RedisReply length = redis.Command({"XLEN", stream_});
  EXPECT_EQ(length->integer, 4);
}

TEST_F(OutboxRelayTest, ConsumerGroupDeliversAndRedeliversUnacked) {
  RedisClient redis(testing::RedisFromEnv(), nullptr);
  Append(3);
  OutboxRelay relay(*pool_, redis, metrics_);
  ASSERT_EQ(relay.RunOnce(), 3);
  StreamConsumer crashed(redis, stream_, "scoring", "consumer-1", /*claim_idle_ms=*/1);
  crashed.EnsureGroup();
  crashed.EnsureGroup();                       // idempotent
  ASSERT_EQ(crashed.Read(10, 10).size(), 3u);  // read, never acknowledged
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  StreamConsumer survivor(redis, stream_, "scoring", "consumer-2", /*claim_idle_ms=*/1);
  const auto claimed = survivor.Read(10, 10);
  ASSERT_EQ(claimed.size(), 3u);
  EXPECT_EQ(claimed[0].fields.at("payload"), "payload-0");
  std::vector<std::string> ids;
  for (const auto& entry : claimed) {
    ids.push_back(entry.id);
  }
  survivor.Ack(ids);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_TRUE(survivor.Read(10, 10).empty());
}

// Stale entries are claimed a few at a time until none are left, but a consumer that just
// found none does not scan the pending list again on every read (entries only turn stale
// claim_idle_ms after delivery). Entries are made stale by setting their idle time, so no
// test waits out the idle time.
TEST_F(OutboxRelayTest, StaleEntriesAreClaimedButThePendingListIsNotScannedOnEveryRead) {
  RedisClient redis(testing::RedisFromEnv(), nullptr);
  Append(5);
  OutboxRelay relay(*pool_, redis, metrics_);
  ASSERT_EQ(relay.RunOnce(), 5);
  StreamConsumer crashed(redis, stream_, "campaign", "consumer-1", 60000);
  crashed.EnsureGroup();
  const auto delivered = crashed.Read(10, 10);  // read, never acknowledged
  ASSERT_EQ(delivered.size(), 5u);
  const auto make_stale = [&] {
    for (const auto& entry : delivered) {
      redis.Command({"XCLAIM", stream_, "campaign", "consumer-1", "0", entry.id, "IDLE", "120000"});
    }
  };

  StreamConsumer survivor(redis, stream_, "campaign", "consumer-2", 60000);
  EXPECT_TRUE(survivor.Read(10, 10).empty());  // nothing stale yet: no scan for 15 s
  make_stale();
  EXPECT_TRUE(survivor.Read(10, 10).empty());

  // A consumer that has not scanned yet claims them, two at a time, one read after another.
  StreamConsumer successor(redis, stream_, "campaign", "consumer-3", 60000);
  std::vector<size_t> claimed;
  for (int read = 0; read < 3; ++read) {
    claimed.push_back(successor.Read(2, 10).size());
  }
  EXPECT_EQ(claimed, (std::vector<size_t>{2, 2, 1}));
}

TEST_F(OutboxRelayTest, ATransactionsEventsShareRowsAndArePublishedOneEntryEach) {
  RedisClient redis(testing::RedisFromEnv(), nullptr);
  const std::string other_stream = stream_ + ":other";
  const std::string cached = "ct:test:outbox:cached:" + testing::UniqueSuffix();
  redis.Command({"SET", cached, "stale"});
  pool_->InTransaction([&](sql::Connection& connection) {
    std::vector<OutboxEvent> events;
    for (int i = 0; i < 1200; ++i) {
      events.push_back({NewEventId(), stream_, "test", "tenant-" + std::to_string(i % 3),
                        "payload-" + std::to_string(i), ""});
      if (i == 600) {
        events.push_back(
            {NewEventId(), other_stream, "other", "tenant-0", "other-payload", cached});
      }
    }
    AppendToOutbox(connection, events);
  });
  pool_->WithConnection([&](sql::Connection& connection) {
    auto rows = Query(*Prepare(connection, "SELECT stream, event_count FROM outbox ORDER BY id"));
    std::vector<std::pair<std::string, int>> stored;
    while (rows->next()) {
      stored.emplace_back(rows->getString(1), rows->getInt(2));
    }
    // 500 events per row, one stream per row.
    const std::vector<std::pair<std::string, int>> expected{
        {stream_, 500}, {stream_, 500}, {other_stream, 1}, {stream_, 200}};
    EXPECT_EQ(stored, expected);
  });

  OutboxRelay relay(*pool_, redis, metrics_);
  int published = 0;
  for (int pass = 0; pass < 5; ++pass) {
    published += relay.RunOnce();
  }
  EXPECT_EQ(published, 1201);
  RedisReply reply = redis.Command({"XRANGE", stream_, "-", "+"});
  const std::vector<StreamEntry> entries = ParseStreamEntries(reply.get());
  ASSERT_EQ(entries.size(), 1200u);
  std::set<std::string> ids;
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].fields.at("payload"), "payload-" + std::to_string(i));
    EXPECT_EQ(entries[i].fields.at("tenant"), "tenant-" + std::to_string(i % 3));
    ids.insert(entries[i].fields.at("event_id"));
  }
  EXPECT_EQ(ids.size(), 1200u);
  RedisReply other = redis.Command({"XRANGE", other_stream, "-", "+"});
  ASSERT_EQ(ParseStreamEntries(other.get()).size(), 1u);
  EXPECT_EQ(ParseStreamEntries(other.get())[0].fields.at("type"), "other");
  // Invalidated: RedisCache reads the key as a miss (its marker, for a while), not "stale".
  RedisCache cache(redis, metrics_, "test");
  EXPECT_FALSE(cache.Get(cached).has_value());
  EXPECT_GT(redis.Command({"PTTL", cached})->integer, 0);
  redis.Command({"DEL", other_stream});
}

TEST_F(OutboxRelayTest, RowsWrittenBeforeTheBatchFormatStillPublish) {
  RedisClient redis(testing::RedisFromEnv(), nullptr);
  const std::string event_id = NewEventId();
  pool_->WithConnection([&](sql::Connection& connection) {
    auto insert = Prepare(connection,
                          "INSERT INTO outbox (event_id, stream, event_type, tenant_id, payload,"
                          " invalidate_key, created_at) VALUES (?, ?, 'legacy', 't-1', 'old',"
                          " NULL, UTC_TIMESTAMP(6))");
    insert->setString(1, event_id);
    insert->setString(2, stream_);
    insert->executeUpdate();
  });
  Append(2);
  OutboxRelay relay(*pool_, redis, metrics_);
  EXPECT_EQ(relay.RunOnce(), 3);
  RedisReply reply = redis.Command({"XRANGE", stream_, "-", "+"});
  const std::vector<StreamEntry> entries = ParseStreamEntries(reply.get());
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].fields.at("event_id"), event_id);
  EXPECT_EQ(entries[0].fields.at("type"), "legacy");
  EXPECT_EQ(entries[0].fields.at("tenant"), "t-1");
  EXPECT_EQ(entries[0].fields.at("payload"), "old");
  EXPECT_EQ(entries[2].fields.at("payload"), "payload-1");
}

int64_t StreamLength(RedisClient& redis, const std::string& stream) {
  return redis.Command({"XLEN", stream})->integer;
}

// The ids of what XREADGROUP handed the consumer ([[stream, [[id, fields], ...]]]).
std::vector<std::string> ReadForGroup(RedisClient& redis, const std::string& stream,
                                      const std::string& group, int count) {
  RedisReply reply = redis.Command({"XREADGROUP", "GROUP", group, "reader", "COUNT",
                                    std::to_string(count), "STREAMS", stream, ">"});
  std::vector<std::string> ids;
  if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 1) {
    const redisReply* entries = reply->element[0]->element[1];
    for (size_t i = 0; i < entries->elements; ++i) {
      ids.push_back(ReplyString(entries->element[i]->element[0]));
    }
  }
  return ids;
}

void Acknowledge(RedisClient& redis, const std::string& stream, const std::string& group,
                 const std::vector<std::string>& ids) {
  std::vector<std::string> command{"XACK", stream, group};
  command.insert(command.end(), ids.begin(), ids.end());
  ASSERT_EQ(redis.Command(command)->integer, static_cast<long long>(ids.size()));
}

// Past its cap a stream loses only what every consumer group has read and acknowledged: a group
// far behind (scoring during a 1M-client load fell 3.5M entries behind a 5M cap) keeps every
// event it has not acknowledged, read or not. XADD MAXLEN used to drop them.
TEST_F(OutboxRelayTest, TheCapNeverDropsAnEventAGroupHasNotAcknowledged) {
  RedisClient redis(testing::RedisFromEnv(), nullptr);
  OutboxRelayOptions options;
  options.max_stream_length = 10;
  options.trim_check_ms = 0;
  ASSERT_FALSE(
      IsError(redis.Command({"XGROUP", "CREATE", stream_, "slow", "0", "MKSTREAM"}).get()));
  Append(100);
  OutboxRelay relay(*pool_, redis, metrics_, options);
  ASSERT_EQ(relay.RunOnce(), 100);
  EXPECT_EQ(StreamLength(redis, stream_), 100);  // the group has read nothing: all kept

  const std::vector<std::string> read = ReadForGroup(redis, stream_, "slow", 60);
  ASSERT_EQ(read.size(), 60u);
  Acknowledge(redis, stream_, "slow", std::vector<std::string>(read.begin(), read.begin() + 40));
  Append(1);
  ASSERT_EQ(relay.RunOnce(), 1);
  // Dropped: the 40 acknowledged. Kept: 20 read and pending, 40 unread, the new one.
  EXPECT_EQ(StreamLength(redis, stream_), 61);
  RedisReply pending = redis.Command({"XRANGE", stream_, read[40], read[59]});
  EXPECT_EQ(pending->elements, 20u);

  Acknowledge(redis, stream_, "slow", std::vector<std::string>(read.begin() + 40, read.end()));
  const std::vector<std::string> rest = ReadForGroup(redis, stream_, "slow", 1000);
  EXPECT_EQ(rest.size(), 41u);  // nothing the group had not read went missing
  Acknowledge(redis, stream_, "slow", rest);
  Append(1);
  ASSERT_EQ(relay.RunOnce(), 1);
  // All acknowledged: only the group's last delivered entry and the new one remain.
  EXPECT_EQ(StreamLength(redis, stream_), 2);
}

// A stream no group reads is cut to its cap, and the relay still finds its last entry there
// (no lost-stream replay: the next pass publishes only the new event).
TEST_F(OutboxRelayTest, AStreamWithoutGroupsIsCutToItsCap) {
  RedisClient redis(testing::RedisFromEnv(), nullptr);
  OutboxRelayOptions options;
  options.max_stream_length = 10;
  options.trim_check_ms = 0;
  Append(30);
  OutboxRelay relay(*pool_, redis, metrics_, options);
  ASSERT_EQ(relay.RunOnce(), 30);
  EXPECT_EQ(StreamLength(redis, stream_), 10);
  Append(1);
  EXPECT_EQ(relay.RunOnce(), 1);
  EXPECT_EQ(StreamLength(redis, stream_), 10);
}

}  // namespace
}  // namespace clienttier
