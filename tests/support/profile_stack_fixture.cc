#include "tests/support/profile_stack_fixture.h"

#include <chrono>
#include <cstdio>

#include "tests/support/test_env.h"

namespace clienttier::testing {

void ProfileStackFixture::SetUp() {
  suffix_ = UniqueSuffix();
  tenant_a_ = "tenant-a-" + suffix_;
  tenant_b_ = "tenant-b-" + suffix_;
  writer_a_ = "writer-a-" + suffix_;
  writer_b_ = "writer-b-" + suffix_;
  admin_a_ = "admin-a-" + suffix_;
  reader_a_ = "reader-a-" + suffix_;
  service_key_ = "service-" + suffix_;
  keys_file_ =
      WriteApiKeysFile(writer_a_ + " " + tenant_a_ + " writer\n" + writer_b_ + " " + tenant_b_ +
                       " writer\n" + admin_a_ + " " + tenant_a_ + " admin\n" + reader_a_ + " " +
                       tenant_a_ + " reader\n" + service_key_ + " * reader\n");

  profile_config_.server = server_config(16);
  profile_config_.mysql = MySqlFromEnv(UniqueDatabaseName("profile"));
  profile_config_.redis = RedisFromEnv();
  profile_config_.relay.poll_interval_ms = 10;
  profile::ProfileApp::Migrate(profile_config_.mysql);
  profile_ = std::make_unique<profile::ProfileApp>(profile_config_);
  profile_port_ = profile_->Start();
  profile_stub_ = ::clienttier::profile::v1::ClientProfileService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(profile_port_), grpc::InsecureChannelCredentials()));
  now_seconds_ = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
}

void ProfileStackFixture::TearDown() {
  if (profile_) {
    profile_->Stop();
    profile_.reset();
  }
  std::remove(keys_file_.c_str());
}

ServerConfig ProfileStackFixture::server_config(int max_threads) const {
  ServerConfig server;
  server.grpc_address = "127.0.0.1:0";
  server.metrics_host = "127.0.0.1";
  server.metrics_port = 0;
  server.drain_ms = 0;
  server.max_threads = max_threads;
  server.api_keys_file = keys_file_;
  return server;
}

std::unique_ptr<grpc::ClientContext> ProfileStackFixture::Context(
    const std::string& api_key) const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("x-api-key", api_key);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return context;
}

void ProfileStackFixture::EnsureClient(const std::string& client_id, const std::string& api_key) {
  ::clienttier::profile::v1::CreateClientRequest request;
  request.mutable_client()->set_client_id(client_id);
  request.mutable_client()->set_display_name("Client " + client_id);
  ::clienttier::profile::v1::Client client;
  const grpc::Status status = profile_stub_->CreateClient(Context(api_key).get(), request, &client);
  ASSERT_TRUE(status.ok() || status.error_code() == grpc::StatusCode::ALREADY_EXISTS)
      << status.error_message();
}

void ProfileStackFixture::RecordPurchase(const std::string& key, const std::string& client_id,
                                         int64_t units, int days_ago, const std::string& api_key) {
  ::clienttier::profile::v1::RecordTransactionRequest request;
  auto* input = request.mutable_transaction();
  input->set_idempotency_key(key);
  input->set_client_id(client_id);
  input->set_kind(::clienttier::profile::v1::TRANSACTION_KIND_PURCHASE);
  input->mutable_amount()->set_units(units);
  input->mutable_amount()->set_currency("CNY");
  input->set_category("workshop");
  input->mutable_occurred_at()->set_seconds(now_seconds_ - int64_t{86400} * days_ago);
  ::clienttier::profile::v1::RecordTransactionResponse response;
  const grpc::Status status =
      profile_stub_->RecordTransaction(Context(api_key).get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

}  // namespace clienttier::testing
