#include "tests/integration/client-profile/profile_fixture.h"

#include <chrono>
#include <thread>

namespace clienttier::profile {

void ProfileFixture::SetUp() {
  const std::string suffix = testing::UniqueSuffix();
  tenant_a_ = "tenant-a-" + suffix;
  tenant_b_ = "tenant-b-" + suffix;
  writer_a_ = "writer-a-" + suffix;
  writer_b_ = "writer-b-" + suffix;
  admin_a_ = "admin-a-" + suffix;
  reader_a_ = "reader-a-" + suffix;
  config_.server.grpc_address = "127.0.0.1:0";
  config_.server.metrics_host = "127.0.0.1";
  config_.server.metrics_port = 0;
  config_.server.drain_ms = 0;
  config_.server.max_threads = 16;
  config_.server.api_keys_file = testing::WriteApiKeysFile(
      writer_a_ + " " + tenant_a_ + " writer\n" + writer_b_ + " " + tenant_b_ + " writer\n" +
      admin_a_ + " " + tenant_a_ + " admin\n" + reader_a_ + " " + tenant_a_ + " reader\n");
  config_.mysql = MySqlForService();
  config_.mysql.pool_size = 20;
  config_.redis = RedisForService();
  config_.redis.retry_after_ms = 100;
  config_.relay.poll_interval_ms = 10;
  ProfileApp::Migrate(config_.mysql);
  app_ = std::make_unique<ProfileApp>(config_);
  port_ = app_->Start();
  stub_ = v1::ClientProfileService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(port_), grpc::InsecureChannelCredentials()));
  now_seconds_ = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
}

void ProfileFixture::TearDown() {
  if (app_) {
    app_->Stop();
    app_.reset();
  }
  std::remove(config_.server.api_keys_file.c_str());
}

std::unique_ptr<grpc::ClientContext> ProfileFixture::Context(const std::string& api_key) const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("x-api-key", api_key);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  return context;
}

v1::Client ProfileFixture::CreateClient(const std::string& client_id, const std::string& api_key) {
  v1::CreateClientRequest request;
  request.mutable_client()->set_client_id(client_id);
  request.mutable_client()->set_display_name("Client " + client_id);
  request.mutable_client()->set_email(client_id + "@example.com");
  auto* tag = request.mutable_client()->add_tags();
  tag->set_kind(v1::TAG_KIND_INTEREST);
  tag->set_value("parenting");
  request.mutable_client()->mutable_acquisition()->set_channel("search_ads");
  v1::Client response;
  const grpc::Status status = stub_->CreateClient(Context(api_key).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

v1::TransactionInput ProfileFixture::Transaction(const std::string& key,
                                                 const std::string& client_id,
                                                 int64_t units) const {
  v1::TransactionInput input;
  input.set_idempotency_key(key);
  input.set_client_id(client_id);
  input.set_kind(v1::TRANSACTION_KIND_PURCHASE);
  input.mutable_amount()->set_units(units);
  input.mutable_amount()->set_currency("CNY");
  input.set_category("workshop");
  input.mutable_occurred_at()->set_seconds(now_seconds_ - 86400);
  return input;
}

std::vector<StreamEntry> ProfileFixture::EventsOf(const std::string& tenant,
                                                  RedisClient& redis) const {
  RedisReply reply = redis.Command({"XRANGE", "ct:events:profile", "-", "+"});
  std::vector<StreamEntry> mine;
  for (auto& entry : ParseStreamEntries(reply.get())) {
    if (entry.fields["tenant"] == tenant) {
      mine.push_back(std::move(entry));
    }
  }
  return mine;
}

std::vector<StreamEntry> ProfileFixture::WaitForEvents(const std::string& tenant, size_t count,
                                                       RedisClient& redis) const {
  std::vector<StreamEntry> events;
  for (int attempt = 0; attempt < 200; ++attempt) {
    events = EventsOf(tenant, redis);
    if (events.size() >= count) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return events;
}

}  // namespace clienttier::profile
