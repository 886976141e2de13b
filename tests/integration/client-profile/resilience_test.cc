#include <set>
#include <thread>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "common/outbox/outbox_relay.h"
#include "tests/integration/client-profile/profile_fixture.h"

namespace clienttier::profile {
namespace {

// client-profile over a private Redis that the test stops and restarts.
class ResilienceTest : public ProfileFixture {
 protected:
  void SetUp() override {
    redis_process_.Start();
    ProfileFixture::SetUp();
  }
  RedisConfig RedisForService() override {
    RedisConfig config;
    config.port = redis_process_.port();
    return config;
  }
  uint64_t CounterValue(const std::string& rendered_name) {
    const std::string text = app_->metrics().Render();
    const auto at = text.find(rendered_name + " ");
    return at == std::string::npos ? 0 : std::stoull(text.substr(at + rendered_name.size() + 1));
  }

  testing::RedisProcess redis_process_;
};

TEST_F(ResilienceTest, RedisDownDegradesToMySqlAndEventsFollowLater) {
  CreateClient("c-1", writer_a_);
  RedisConfig direct;
  direct.port = redis_process_.port();
  RedisClient redis(direct, nullptr);
  ASSERT_EQ(WaitForEvents(tenant_a_, 1, redis).size(), 1u);

  redis_process_.Stop();
  // Reads and writes still succeed from MySQL.
  v1::GetClientRequest get;
  get.set_client_id("c-1");
  v1::Client fetched;
  ASSERT_TRUE(stub_->GetClient(AsTenantA().get(), get, &fetched).ok());
  EXPECT_EQ(fetched.client_id(), "c-1");
  CreateClient("c-2", writer_a_);
  v1::RecordTransactionsRequest batch;
  *batch.add_transactions() = Transaction("down-1", "c-1", 500);
  v1::RecordTransactionsResponse response;
  ASSERT_TRUE(stub_->RecordTransactions(AsTenantA().get(), batch, &response).ok());
  EXPECT_EQ(response.recorded_count(), 1);
  EXPECT_GT(CounterValue("ct_cache_fallbacks_total{service=\"client-profile\"}"), 0u);

  redis_process_.Start();  // same AOF directory: the first event survives
  const auto events = WaitForEvents(tenant_a_, 3, redis);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto settled = EventsOf(tenant_a_, redis);
  ASSERT_EQ(settled.size(), 3u);
  std::set<std::string> ids;
  for (const auto& entry : settled) {
    ids.insert(entry.fields.at("event_id"));
  }
  EXPECT_EQ(ids.size(), 3u);
}

TEST_F(ResilienceTest, ARelayKilledAfterPublishingLosesNothingAndDuplicatesNothing) {
  // 30 clients, published by the app's own relay before it stops: a batch of one transaction
  // each is then one outbox row of 30 events (one event per client per batch).
  RedisConfig direct;
  direct.port = redis_process_.port();
  RedisClient redis(direct, nullptr);
  for (int i = 0; i < 30; ++i) {
    CreateClient("c-" + std::to_string(i), writer_a_);
  }
  ASSERT_EQ(WaitForEvents(tenant_a_, 30, redis).size(), 30u);
  app_->Stop();  // stop the app's relay: this test drives relays by hand
  MetricsRegistry metrics;
  MySqlPool pool(config_.mysql, nullptr);

  // Fill the outbox through the real repository path, with no relay running.
  app_ = std::make_unique<ProfileApp>([&] {
    ProfileConfig quiet = config_;
    quiet.run_relay = false;
    return quiet;
  }());
  const int port = app_->Start();
  stub_ = v1::ClientProfileService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  v1::RecordTransactionsRequest batch;
  for (int i = 0; i < 30; ++i) {
    *batch.add_transactions() =
        Transaction("k-" + std::to_string(i), "c-" + std::to_string(i), 100 + i);
  }
  v1::RecordTransactionsResponse response;
  ASSERT_TRUE(stub_->RecordTransactions(AsTenantA().get(), batch, &response).ok());

  OutboxRelayOptions options;
  options.batch_size = 10;
  {
    OutboxRelay crashing(pool, redis, metrics, options);
    crashing.SetAfterPublishHook([] { throw std::runtime_error("relay killed"); });
    EXPECT_THROW(crashing.RunOnce(), std::runtime_error);
  }  // it stops without marking; its pooled connection, still holding the relay's MySQL lock,
     // goes back to the pool and the successor below may reuse it, so this shows recovery of
     // published-but-unmarked events, not a lock takeover after a process crash (that is
     // RelayTakeoverTest, with a relay process killed by SIGKILL)
  // A pass takes whole rows: the batch's row of 30 events, though the pass asks for 10.
  auto published_once = EventsOf(tenant_a_, redis);
  ASSERT_EQ(published_once.size(), 60u);  // 30 clients, then 30 published, never marked
  // Killed part-way through its pipeline instead: only the row's first 11 events reached Redis.
  for (size_t i = 41; i < published_once.size(); ++i) {
    redis.Command({"XDEL", "ct:events:profile", published_once[i].id});
  }

  OutboxRelay successor(pool, redis, metrics, options);
  EXPECT_EQ(successor.RunOnce(), 30);  // 11 found at the stream's tail, 19 published again
  EXPECT_EQ(successor.RunOnce(), 0);
  const auto events = EventsOf(tenant_a_, redis);
  std::set<std::string> ids;
  std::set<std::string> recorded_clients;
  for (const auto& entry : events) {
    ids.insert(entry.fields.at("event_id"));
    if (entry.fields.at("type") == "transactions_recorded") {
      v1::ProfileEvent event;
      ASSERT_TRUE(event.ParseFromString(entry.fields.at("payload")));
      recorded_clients.insert(event.transactions_recorded().client_id());
    }
  }
  EXPECT_EQ(events.size(), 60u);            // 30 client_created + 30 transactions_recorded
  EXPECT_EQ(ids.size(), 60u);               // and no event id twice
  EXPECT_EQ(recorded_clients.size(), 30u);  // every client's transaction, none lost
  EXPECT_EQ(metrics.GetCounter("ct_outbox_recovered_total", "").value(), 11u);
  EXPECT_EQ(metrics.GetCounter("ct_outbox_published_total", "").value(), 19u);
}

}  // namespace
}  // namespace clienttier::profile
