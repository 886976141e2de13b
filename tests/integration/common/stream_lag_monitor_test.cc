// StreamLagMonitor on the real Redis: the gauges it publishes for a consumer group show the
// entries the group has not read, the entries read and not acknowledged, and the age of the
// oldest of those.
#include "common/redis/stream_lag_monitor.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "common/errors/domain_error.h"
#include "tests/support/metric_value.h"
#include "tests/support/test_env.h"

namespace clienttier {
namespace {

class StreamLagMonitorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stream_ = "ct:test:lag:" + testing::UniqueSuffix();
    group_ = "lag-test";
  }

  // Adds `count` entries and returns their ids. With `millis_ago`, the ids carry a time that
  // long before now (Redis accepts explicit ids above the stream's last one), so the entries
  // are that old without the test waiting.
  std::vector<std::string> Add(int count, int64_t millis_ago = 0) {
    std::vector<std::string> ids;
    for (int i = 0; i < count; ++i) {
      std::string id = "*";
      if (millis_ago > 0) {
        const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
        id = std::to_string(now_ms - millis_ago) + "-" + std::to_string(++sequence_);
      }
      RedisReply reply =
          redis_.Command({"XADD", stream_, id, "payload", "entry-" + std::to_string(i)});
      EXPECT_FALSE(IsError(reply.get())) << ReplyString(reply.get());
      ids.push_back(ReplyString(reply.get()));
    }
    return ids;
  }

  void CreateGroup(const std::string& start_id) {
    RedisReply reply = redis_.Command({"XGROUP", "CREATE", stream_, group_, start_id, "MKSTREAM"});
    ASSERT_FALSE(IsError(reply.get())) << ReplyString(reply.get());
  }

  // Reads `count` entries as one consumer without acknowledging them; returns their ids.
  std::vector<std::string> ReadWithoutAck(int count) {
    RedisReply reply = redis_.Command({"XREADGROUP", "GROUP", group_, "consumer-1", "COUNT",
                                       std::to_string(count), "STREAMS", stream_, ">"});
    std::vector<std::string> ids;
    for (const StreamEntry& entry : ParseStreamEntries(reply->element[0]->element[1])) {
      ids.push_back(entry.id);
    }
    return ids;
  }

  std::string Series(const std::string& name) const {
    return name + "{group=\"" + group_ + "\",stream=\"" + stream_ + "\"}";
  }
  double Gauge(const std::string& name) const {
    return testing::MetricValue(metrics_.Render(), Series(name));
  }

  RedisClient redis_{testing::RedisFromEnv(), nullptr};
  MetricsRegistry metrics_;
  std::string stream_;
  std::string group_;
  int sequence_ = 0;
};

TEST_F(StreamLagMonitorTest, AGroupWithUnreadEntriesShowsThemAsLag) {
  CreateGroup("$");
  Add(7);
  StreamLagMonitor monitor(redis_, metrics_);
  monitor.Watch(stream_, group_, "");
  EXPECT_EQ(Gauge("ct_stream_group_lag"), 0);  // registered at Watch, before any poll

  monitor.PollOnce();
  EXPECT_EQ(Gauge("ct_stream_group_lag"), 7);
  EXPECT_EQ(Gauge("ct_stream_group_pending"), 0);
  EXPECT_EQ(Gauge("ct_stream_group_oldest_pending_age_seconds"), 0);

  ReadWithoutAck(4);
  Add(2);
  monitor.PollOnce();
  EXPECT_EQ(Gauge("ct_stream_group_lag"), 5);
  EXPECT_EQ(Gauge("ct_stream_group_pending"), 4);
}

TEST_F(StreamLagMonitorTest, PendingEntriesShowTheAgeOfTheOldest) {
  CreateGroup("0");
  Add(3, /*millis_ago=*/60000);
  Add(2);
  StreamLagMonitor monitor(redis_, metrics_);
  monitor.Watch(stream_, group_, "");

  const std::vector<std::string> read = ReadWithoutAck(4);
  monitor.PollOnce();
  EXPECT_EQ(Gauge("ct_stream_group_pending"), 4);
  EXPECT_EQ(Gauge("ct_stream_group_lag"), 1);
  const double age = Gauge("ct_stream_group_oldest_pending_age_seconds");
  EXPECT_GE(age, 59.0);
  EXPECT_LT(age, 600.0);

  // Acknowledging the three old ones leaves a young entry pending: the age drops to it.
  RedisReply acked = redis_.Command({"XACK", stream_, group_, read[0], read[1], read[2]});
  ASSERT_EQ(acked->integer, 3);
  monitor.PollOnce();
  EXPECT_EQ(Gauge("ct_stream_group_pending"), 1);
  EXPECT_LT(Gauge("ct_stream_group_oldest_pending_age_seconds"), 59.0);

  redis_.Command({"XACK", stream_, group_, read[3]});
  monitor.PollOnce();
  EXPECT_EQ(Gauge("ct_stream_group_pending"), 0);
  EXPECT_EQ(Gauge("ct_stream_group_oldest_pending_age_seconds"), 0);
}

TEST_F(StreamLagMonitorTest, WhenRedisCannotTellTheLagTheEntriesAreCounted) {
  const std::vector<std::string> ids = Add(10);
  // A group created at an arbitrary id in the middle: Redis's XINFO GROUPS answers lag nil.
  CreateGroup(ids[2]);
  RedisReply info = redis_.Command({"XINFO", "GROUPS", stream_});
  bool redis_lag_is_nil = false;
  for (size_t k = 0; k + 1 < info->element[0]->elements; k += 2) {
    if (ReplyString(info->element[0]->element[k]) == "lag") {
      redis_lag_is_nil = info->element[0]->element[k + 1]->type == REDIS_REPLY_NIL;
    }
  }
  ASSERT_TRUE(redis_lag_is_nil) << "the fallback needs a group whose lag Redis cannot tell";

  const StreamGroupLag counted = ReadStreamGroupLag(redis_, stream_, group_, 1000);
  EXPECT_TRUE(counted.group_exists);
  EXPECT_TRUE(counted.lag_counted);
  EXPECT_EQ(counted.lag, 7);
  // The count stops at the cap: a huge backlog cannot make a poll expensive.
  EXPECT_EQ(ReadStreamGroupLag(redis_, stream_, group_, 5).lag, 5);

  StreamLagMonitor monitor(redis_, metrics_);
  monitor.Watch(stream_, group_, "");
  monitor.PollOnce();
  EXPECT_EQ(Gauge("ct_stream_group_lag"), 7);
}

TEST_F(StreamLagMonitorTest, NoStreamOrNoGroupYetIsNothingBehind) {
  StreamGroupLag figures = ReadStreamGroupLag(redis_, stream_, group_, 1000);
  EXPECT_FALSE(figures.group_exists);
  EXPECT_EQ(figures.lag, 0);
  Add(3);
  figures = ReadStreamGroupLag(redis_, stream_, group_, 1000);
  EXPECT_FALSE(figures.group_exists);
  EXPECT_EQ(figures.lag, 0);
}

TEST_F(StreamLagMonitorTest, TheAppliedRateComesFromTheConsumersCounter) {
  CreateGroup("$");
  StreamLagMonitor monitor(redis_, metrics_);
  monitor.Watch(stream_, group_, "ct_lagtest_events");
  Counter& applied =
      metrics_.GetCounter("ct_lagtest_events_applied_total", "Events from " + stream_ + " applied");
  monitor.PollOnce();
  EXPECT_EQ(Gauge("ct_stream_group_applied_per_second"), 0);  // no interval yet
  applied.Increment(500);
  monitor.PollOnce();
  EXPECT_GT(Gauge("ct_stream_group_applied_per_second"), 0);
  monitor.PollOnce();  // nothing applied since the last poll
  EXPECT_EQ(Gauge("ct_stream_group_applied_per_second"), 0);
}

TEST_F(StreamLagMonitorTest, WhileRedisIsDownTheLastFiguresStayAndFailuresAreCounted) {
  testing::RedisProcess private_redis;
  private_redis.Start();
  RedisConfig config;
  config.port = private_redis.port();
  config.retry_after_ms = 1;
  RedisClient redis(config, nullptr);
  RedisReply created = redis.Command({"XGROUP", "CREATE", stream_, group_, "$", "MKSTREAM"});
  ASSERT_FALSE(IsError(created.get()));
  for (int i = 0; i < 3; ++i) {
    redis.Command({"XADD", stream_, "*", "payload", "x"});
  }
  StreamLagMonitor monitor(redis, metrics_);
  monitor.Watch(stream_, group_, "");
  monitor.PollOnce();
  EXPECT_EQ(Gauge("ct_stream_group_lag"), 3);

  private_redis.Stop();
  EXPECT_THROW(monitor.PollOnce(), DomainError);
  EXPECT_EQ(metrics_.GetCounter("ct_stream_lag_monitor_failures_total", "").value(), 1u);
  EXPECT_EQ(Gauge("ct_stream_group_lag"), 3);
}

}  // namespace
}  // namespace clienttier
