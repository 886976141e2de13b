// Entries a consumer itself left pending are read again at once, not after claim_idle_ms
// (issue 16): here a read whose reply timed out, on a private redis-server frozen with SIGSTOP.
// The consumer's XREADGROUP reaches the frozen server and times out at the client; once thawed,
// Redis runs it and delivers the entries to this consumer, whose reply is gone. The claim is an
// hour away, so only the consumer's own re-read can bring them back within the test.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "common/errors/domain_error.h"
#include "common/events/event_consumer.h"
#include "tests/support/metric_value.h"
#include "tests/support/test_env.h"

namespace clienttier {
namespace {

namespace pv1 = ::clienttier::profile::v1;

constexpr int kAnHour = 3600 * 1000;

class OwnPendingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Start();
    RedisConfig config;
    config.port = server_.port();
    config.command_timeout_ms = 300;
    config.retry_after_ms = 1;
    redis_ = std::make_unique<RedisClient>(config, nullptr);

    EventStreamOptions options;
    options.stream = "ct:test:own-pending";
    options.group = "g";
    options.consumer_name = "c1";
    options.block_ms = 10;
    options.claim_idle_ms = kAnHour;
    options.metric_prefix = "ct_test_events";
    EventStreamWorker<pv1::ProfileEvent>::Handlers handlers{
        [this](const std::vector<pv1::ProfileEvent>& events) {
          if (before_apply_) {
            std::exchange(before_apply_, nullptr)();
          }
          for (const auto& event : events) {
            applied_.push_back(event.event_id());
          }
          return static_cast<int>(events.size());
        },
        [this](const pv1::ProfileEvent& event) {
          applied_.push_back(event.event_id());
          return true;
        },
        {}};
    worker_ = std::make_unique<EventStreamWorker<pv1::ProfileEvent>>(*redis_, metrics_, options,
                                                                     handlers);
    worker_->PollOnce(1);  // creates the group; its first claim scan found nothing
  }

  void Add(const std::string& event_id) {
    pv1::ProfileEvent event;
    event.set_event_id(event_id);
    event.set_tenant_id("tenant-1");
    redis_->Command({"XADD", "ct:test:own-pending", "*", "payload", event.SerializeAsString()});
  }

  // The entries the group has delivered and not seen acknowledged.
  int64_t Pending() {
    return redis_->Command({"XPENDING", "ct:test:own-pending", "g"})->element[0]->integer;
  }

  testing::RedisProcess server_;
  std::unique_ptr<RedisClient> redis_;
  MetricsRegistry metrics_;
  std::vector<std::string> applied_;
  std::function<void()> before_apply_;  // runs once, in the next batch apply
  std::unique_ptr<EventStreamWorker<pv1::ProfileEvent>> worker_;
};

TEST_F(OwnPendingTest, AReadWhoseReplyTimedOutIsAppliedOnTheNextPoll) {
  Add("e1");
  Add("e2");
  Add("e3");

  server_.Freeze();
  EXPECT_THROW(worker_->PollOnce(1), DomainError);  // the read timed out at the client
  server_.Thaw();
  // Redis ran the read when it woke: the three are delivered to c1, which never saw them.
  // (The first wait also ends the client's fail-fast window after the timeout.)
  for (int i = 0; i < 100; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (Pending() >= 3) {
      break;
    }
  }
  ASSERT_EQ(Pending(), 3);
  EXPECT_TRUE(applied_.empty());

  EXPECT_EQ(worker_->PollOnce(1), 3);
  EXPECT_EQ(applied_, (std::vector<std::string>{"e1", "e2", "e3"}));
  EXPECT_EQ(Pending(), 0);

  // Then back to new entries.
  Add("e4");
  EXPECT_EQ(worker_->PollOnce(1), 1);
  EXPECT_EQ(applied_.back(), "e4");
}

// An apply that failed on an outage of Redis itself: the outage path's own Redis calls (forget
// the deliveries, then pause) fail too and the poll throws. The read's entries are this
// consumer's and unacknowledged, so the next poll after the outage reads them again; before,
// the exception skipped the re-read and they waited for the claim (30 s in production), which
// is how a 20k demo run waited 35 s on scoring after a Redis stall.
TEST_F(OwnPendingTest, AReadWhoseOutagePathFailedTooIsAppliedOnTheNextPoll) {
  Add("e1");
  Add("e2");
  before_apply_ = [this] {
    server_.Freeze();
    redis_->Command({"PING"});  // the handler's own Redis call: it times out, Unavailable
  };
  EXPECT_THROW(worker_->PollOnce(1), DomainError);
  EXPECT_TRUE(applied_.empty());
  server_.Thaw();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // past the fail-fast window
  ASSERT_EQ(Pending(), 2);

  EXPECT_EQ(worker_->PollOnce(1), 2);
  EXPECT_EQ(applied_, (std::vector<std::string>{"e1", "e2"}));
  EXPECT_EQ(Pending(), 0);
}

// How stale the group's view is, per event: from its entry on the stream to its
// acknowledgement. Two events that waited 300 ms on the stream count at least that.
TEST_F(OwnPendingTest, EachAcknowledgedEventCountsItsDelaySinceItsEntry) {
  const auto added = std::chrono::steady_clock::now();
  Add("e1");
  Add("e2");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(worker_->PollOnce(1), 2);
  const double waited_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - added).count();
  const std::string rendered = metrics_.Render();
  EXPECT_EQ(testing::MetricValue(rendered, "ct_test_events_delay_seconds_count"), 2);
  const double sum_s = testing::MetricValue(rendered, "ct_test_events_delay_seconds_sum");
  EXPECT_GE(sum_s, 2 * 0.29);  // the entry id has millisecond resolution
  EXPECT_LE(sum_s, 2 * (waited_s + 0.01));
}

// Per read, its size and how long its apply took: what to look at when a consumer falls behind
// (reads grow and take longer) or stays behind.
TEST_F(OwnPendingTest, EachAppliedReadCountsItsEventsAndItsApplyTime) {
  Add("e1");
  Add("e2");
  Add("e3");
  before_apply_ = [] { std::this_thread::sleep_for(std::chrono::milliseconds(50)); };
  EXPECT_EQ(worker_->PollOnce(1), 3);
  const std::string rendered = metrics_.Render();
  EXPECT_EQ(testing::MetricValue(rendered, "ct_test_events_read_events_count"), 1);
  EXPECT_EQ(testing::MetricValue(rendered, "ct_test_events_read_events_sum"), 3);
  EXPECT_EQ(testing::MetricValue(rendered, "ct_test_events_read_apply_seconds_count"), 1);
  EXPECT_GE(testing::MetricValue(rendered, "ct_test_events_read_apply_seconds_sum"), 0.05);
}

}  // namespace
}  // namespace clienttier
