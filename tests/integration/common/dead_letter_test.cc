// Dead letters (issue 19 part 4) on the real Redis: the consumer loop every service runs
// (EventStreamWorker) moves an event that keeps failing for its own reason to
// `<stream>:dead:<group>` after max_deliveries deliveries (XPENDING's count) and goes on; an
// outage does not count against an event; tierctl lists and replays the dead letters.
// Entries turn stale for a claim after 1 ms here, so a test never waits out claim_idle_ms.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "common/errors/domain_error.h"
#include "common/events/event_consumer.h"
#include "common/redis/dead_letters.h"
#include "tests/support/test_env.h"

namespace clienttier {
namespace {

namespace pv1 = ::clienttier::profile::v1;

constexpr int kMaxDeliveries = 3;

std::pair<int, std::string> RunTierctl(const std::string& args) {
  FILE* pipe = popen((std::string(CT_TIERCTL) + " " + args + " 2>&1").c_str(), "r");
  std::string output;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
    output += buffer;
  }
  const int status = pclose(pipe);
  return {WEXITSTATUS(status), output};
}

class DeadLetterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stream_ = "ct:test:deadletters:" + testing::UniqueSuffix();
    EventStreamOptions options;
    options.stream = stream_;
    options.group = "g";
    options.consumer_name = "c1";
    options.batch = 10;
    options.block_ms = 10;
    options.claim_idle_ms = 1;
    options.max_deliveries = kMaxDeliveries;
    options.metric_prefix = "ct_test_events";
    EventStreamWorker<pv1::ProfileEvent>::Handlers handlers{
        [this](const std::vector<pv1::ProfileEvent>& events) {
          for (const auto& event : events) {
            Check(event);  // any failure fails the whole read, as one transaction would
          }
          for (const auto& event : events) {
            applied_.push_back(event.event_id());
          }
          return static_cast<int>(events.size());
        },
        [this](const pv1::ProfileEvent& event) {
          ++one_at_a_time_;
          try {
            Check(event);
          } catch (const DomainError& error) {
            if (error.kind() != ErrorKind::kUnavailable) {
              ++own_failures_[event.event_id()];
            }
            throw;
          }
          applied_.push_back(event.event_id());
          return true;
        },
        {}};
    worker_ =
        std::make_unique<EventStreamWorker<pv1::ProfileEvent>>(redis_, metrics_, options, handlers);
    worker_->PollOnce(1);  // creates the group at the stream's beginning
  }
  void TearDown() override {
    redis_.Command({"DEL", stream_, DeadLetterStream::NameFor(stream_, "g")});
  }

  // The test's stand-in for an apply: `fail_` decides per event id.
  void Check(const pv1::ProfileEvent& event) {
    const auto rule = fail_.find(event.event_id());
    if (rule != fail_.end()) {
      rule->second();
    }
  }

  void Add(const std::string& event_id, const std::string& tenant_id = "tenant-1") {
    pv1::ProfileEvent event;
    event.set_event_id(event_id);
    event.set_tenant_id(tenant_id);
    redis_.Command({"XADD", stream_, "*", "event_id", event_id, "tenant", tenant_id, "payload",
                    event.SerializeAsString()});
  }

  // Polls (claims included) until `done` holds, at most 200 times.
  void PollUntil(const std::function<bool()>& done) {
    for (int i = 0; i < 200 && !done(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(3));  // entries turn stale
      worker_->PollOnce(1);
    }
    ASSERT_TRUE(done());
  }

  std::vector<DeadLetter> DeadLetters() { return DeadLetterStream(redis_, stream_, "g").List(100); }
  int64_t Pending() { return redis_.Command({"XPENDING", stream_, "g"})->element[0]->integer; }
  uint64_t DeadLettered() {
    return metrics_.GetCounter("ct_test_events_dead_lettered_total", "").value();
  }

  RedisClient redis_{testing::RedisFromEnv(), nullptr};
  MetricsRegistry metrics_;
  std::string stream_;
  std::map<std::string, std::function<void()>> fail_;
  std::map<std::string, int> own_failures_;  // apply_one's failures other than outages
  int one_at_a_time_ = 0;                    // apply_one's calls
  std::vector<std::string> applied_;
  std::unique_ptr<EventStreamWorker<pv1::ProfileEvent>> worker_;
};

TEST_F(DeadLetterTest, APoisonEventIsDeadLetteredAfterMaxDeliveriesAndTheNextIsApplied) {
  fail_["poison"] = [] { throw Internal("mysql error 1406"); };
  Add("before");
  Add("poison");
  Add("after");
  redis_.Command({"XADD", stream_, "*", "payload", "\xff\xff not a proto"});

  PollUntil([&] { return applied_.size() == 2 && DeadLetters().size() == 2; });
  EXPECT_EQ(applied_, (std::vector<std::string>{"before", "after"}));
  // Tried on each of its deliveries, and not once more.
  EXPECT_EQ(own_failures_["poison"], kMaxDeliveries);
  const std::vector<DeadLetter> dead = DeadLetters();
  // The unreadable entry went at once, on its first delivery.
  EXPECT_EQ(dead[0].error.rfind("unreadable", 0), 0u) << dead[0].error;
  EXPECT_EQ(dead[0].deliveries, 1);
  EXPECT_EQ(dead[1].fields.at("event_id"), "poison");
  EXPECT_EQ(dead[1].error, "mysql error 1406");
  EXPECT_EQ(dead[1].deliveries, kMaxDeliveries);
  pv1::ProfileEvent kept;
  ASSERT_TRUE(kept.ParseFromString(dead[1].fields.at("payload")));
  EXPECT_EQ(kept.event_id(), "poison");
  EXPECT_EQ(DeadLettered(), 2u);
  EXPECT_EQ(Pending(), 0);  // both acknowledged: the group has nothing left to retry
}

// A poison event holds back its own tenant's events behind it in the read, in order, and
// no other tenant's: another tenant's event is applied on the same delivery, not a claim later.
TEST_F(DeadLetterTest, APoisonEventHoldsBackOnlyItsOwnTenantsEvents) {
  fail_["poison"] = [] { throw Internal("mysql error 1406"); };
  Add("poison", "tenant-1");
  Add("other-tenant", "tenant-2");
  Add("same-tenant", "tenant-1");
  Add("other-tenant-later", "tenant-2");

  worker_->PollOnce(1);  // one delivery: the read fails as a batch, then one at a time
  EXPECT_EQ(applied_, (std::vector<std::string>{"other-tenant", "other-tenant-later"}));
  EXPECT_EQ(own_failures_["poison"], 1);
  EXPECT_EQ(Pending(), 2);  // the poison and its tenant's event behind it
  // Held back, not tried: its delivery does not count towards max_deliveries.
  const RedisReply pending = redis_.Command({"XPENDING", stream_, "g", "-", "+", "10"});
  ASSERT_EQ(pending->elements, 2u);
  EXPECT_EQ(pending->element[1]->element[3]->integer, 0);

  PollUntil([&] { return DeadLetters().size() == 1 && applied_.size() == 3; });
  EXPECT_EQ(applied_.back(), "same-tenant");
  EXPECT_EQ(own_failures_["poison"], kMaxDeliveries);
  EXPECT_EQ(Pending(), 0);
}

// A database outage fails every event; its deliveries do not count against the event that was
// tried, nor against those behind it that were delivered but not tried. Once the outage is
// over, an event that then fails for its own reason gets max_deliveries tries of its own.
TEST_F(DeadLetterTest, DeliveriesDuringAnOutageDoNotCount) {
  int outage_left = 3 * kMaxDeliveries;
  bool broken = false;
  fail_["first"] = [&] {
    if (outage_left > 0) {
      --outage_left;
      throw Unavailable("database unavailable");
    }
    if (broken) {
      throw FailedPrecondition("the client was merged away");
    }
  };
  fail_["second"] = [&] {
    if (outage_left > 0) {
      throw Unavailable("database unavailable");
    }
  };
  Add("first");
  Add("second");
  PollUntil([&] { return outage_left == 0; });
  EXPECT_TRUE(DeadLetters().empty());
  PollUntil([&] { return applied_.size() == 2; });
  EXPECT_EQ(applied_, (std::vector<std::string>{"first", "second"}));
  EXPECT_TRUE(DeadLetters().empty());
  EXPECT_EQ(DeadLettered(), 0u);

  // The same again, but after the outage the first event fails for a reason of its own.
  outage_left = 3 * kMaxDeliveries;
  broken = true;
  applied_.clear();
  Add("first");  // a new entry with the same event id: this test's apply does not dedupe
  Add("second");
  PollUntil([&] { return DeadLetters().size() == 1 && applied_.size() == 1; });
  // Its deliveries in the outage (more than max_deliveries) were forgotten: it failed
  // max_deliveries times for its own reason before it went.
  EXPECT_EQ(own_failures_["first"], kMaxDeliveries);
  EXPECT_EQ(DeadLetters()[0].deliveries, kMaxDeliveries);
  EXPECT_EQ(applied_, (std::vector<std::string>{"second"}));
  EXPECT_EQ(Pending(), 0);
}

// A read that lost a deadlock (past the transaction's own retries) is tried again whole: one
// transaction per event would take a 20,000-event read tens of seconds, and the conflict says
// nothing against any event.
TEST_F(DeadLetterTest, AReadThatLostALockConflictIsRetriedWholeNotOneAtATime) {
  int conflicts_left = kMaxDeliveries + 1;  // more than max_deliveries: none may count
  fail_["first"] = [&] {
    if (conflicts_left > 0) {
      --conflicts_left;
      throw Conflict("transaction conflict (mysql error 1213); retry");
    }
  };
  Add("first");
  Add("second");
  Add("third");
  PollUntil([&] { return applied_.size() == 3; });
  EXPECT_EQ(conflicts_left, 0);
  EXPECT_EQ(applied_, (std::vector<std::string>{"first", "second", "third"}));
  EXPECT_EQ(one_at_a_time_, 0);
  EXPECT_TRUE(DeadLetters().empty());
  EXPECT_EQ(Pending(), 0);
}

TEST_F(DeadLetterTest, TierctlListsAndReplaysDeadLetters) {
  bool fixed = false;
  fail_["poison"] = [&] {
    if (!fixed) {
      throw InvalidArgument("transaction.amount", "currency XTS has no rate");
    }
  };
  Add("poison");
  PollUntil([&] { return DeadLetters().size() == 1; });
  const std::string dead_id = DeadLetters()[0].id;

  const std::string where = " --stream=" + stream_ + " --group=g";
  auto [status, output] = RunTierctl("deadletters list" + where);
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find(dead_id), std::string::npos) << output;
  EXPECT_NE(output.find("event_id=poison"), std::string::npos) << output;
  EXPECT_NE(output.find("deliveries=3"), std::string::npos) << output;
  EXPECT_NE(output.find("transaction.amount: currency XTS has no rate"), std::string::npos)
      << output;
  EXPECT_NE(output.find("1 dead letters in " + stream_ + ":dead:g"), std::string::npos) << output;

  std::tie(status, output) = RunTierctl("deadletters replay" + where + " --id=0-1");
  EXPECT_EQ(status, 1) << output;  // no such dead letter
  std::tie(status, output) = RunTierctl("deadletters replay" + where);
  EXPECT_EQ(status, 2) << output;  // neither --id nor --all

  fixed = true;  // the cause is fixed (a rate added, a release rolled out), then replayed
  std::tie(status, output) = RunTierctl("deadletters replay" + where + " --all");
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("1 dead letters of " + stream_ + ":dead:g replayed"), std::string::npos)
      << output;
  EXPECT_TRUE(DeadLetters().empty());
  PollUntil([&] { return applied_.size() == 1; });
  EXPECT_EQ(applied_, (std::vector<std::string>{"poison"}));
  // The replayed entry is the original event, without the dead-letter fields.
  const RedisReply last = redis_.Command({"XREVRANGE", stream_, "+", "-", "COUNT", "1"});
  const std::vector<StreamEntry> entries = ParseStreamEntries(last.get());
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].fields.size(), 3u);  // event_id, tenant, payload
  EXPECT_EQ(entries[0].fields.count("dead_error"), 0u);
  EXPECT_EQ(Pending(), 0);
}

}  // namespace
}  // namespace clienttier
