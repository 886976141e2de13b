// Issue 17 part 1: a tenant's history goes back to its own floor, and clients carry when they
// were acquired, through the real client-profile.
#include <map>
#include <utility>
#include <vector>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "services/client-profile/domain/record_settings.h"
#include "tests/integration/client-profile/profile_fixture.h"

namespace clienttier::profile {
namespace {

using HistoryTest = ProfileFixture;

// 1985-06-01T00:00:00Z and 1980-01-01T00:00:00Z.
constexpr int64_t kJune1985 = 486'432'000;
constexpr int64_t kJanuary1980 = 315'532'800;

grpc::Status RecordAt(v1::ClientProfileService::Stub& stub, grpc::ClientContext* context,
                      v1::TransactionInput input, int64_t seconds) {
  input.mutable_occurred_at()->set_seconds(seconds);
  v1::RecordTransactionRequest request;
  *request.mutable_transaction() = input;
  v1::RecordTransactionResponse response;
  return stub.RecordTransaction(context, request, &response);
}

TEST_F(HistoryTest, RecordsGoBackToTheTenantsFloor) {
  CreateClient("c-1", writer_a_);
  CreateClient("c-1", writer_b_);

  v1::RecordSettings defaults;
  ASSERT_TRUE(
      stub_->GetRecordSettings(Context(reader_a_).get(), v1::GetRecordSettingsRequest(), &defaults)
          .ok());
  EXPECT_EQ(FromProtoTimestamp(defaults.earliest_record()), kDefaultEarliestRecord);
  EXPECT_EQ(defaults.version(), 0);

  // 1995 is history now (refused before issue 17); 1985 is before the default floor.
  EXPECT_TRUE(
      RecordAt(*stub_, AsTenantA().get(), Transaction("t-1995", "c-1", 100), 800'000'000).ok());
  grpc::Status refused =
      RecordAt(*stub_, AsTenantA().get(), Transaction("t-1985", "c-1", 100), kJune1985);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(refused.error_message().rfind("transaction.occurred_at: ", 0), 0U)
      << refused.error_message();

  v1::PutRecordSettingsRequest put;
  put.mutable_settings()->mutable_earliest_record()->set_seconds(kJanuary1980);
  v1::RecordSettings stored;
  EXPECT_EQ(stub_->PutRecordSettings(AsTenantA().get(), put, &stored).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);  // a writer is not an admin
  ASSERT_TRUE(stub_->PutRecordSettings(AsAdminA().get(), put, &stored).ok());
  EXPECT_EQ(stored.version(), 1);
  EXPECT_EQ(stored.earliest_record().seconds(), kJanuary1980);

  EXPECT_TRUE(
      RecordAt(*stub_, AsTenantA().get(), Transaction("t-1985", "c-1", 100), kJune1985).ok());
  // Interactions follow the same floor.
  v1::RecordInteractionRequest interaction;
  interaction.mutable_interaction()->set_idempotency_key("i-1985");
  interaction.mutable_interaction()->set_client_id("c-1");
  interaction.mutable_interaction()->set_kind(v1::INTERACTION_KIND_LOGIN);
  interaction.mutable_interaction()->mutable_occurred_at()->set_seconds(kJune1985);
  v1::RecordInteractionResponse recorded;
  EXPECT_TRUE(stub_->RecordInteraction(AsTenantA().get(), interaction, &recorded).ok());
  // Tenant B kept the default.
  EXPECT_EQ(RecordAt(*stub_, AsTenantB().get(), Transaction("t-1985", "c-1", 100), kJune1985)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  put.mutable_settings()->mutable_earliest_record()->set_seconds(now_seconds_ + 86400);
  refused = stub_->PutRecordSettings(AsAdminA().get(), put, &stored);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(refused.error_message().rfind("settings.earliest_record: ", 0), 0U);
}

TEST_F(HistoryTest, AcquiredAtIsStoredAndCarriedInClientEvents) {
  v1::CreateClientRequest create;
  create.mutable_client()->set_client_id("c-acq");
  create.mutable_client()->mutable_acquisition()->set_channel("fair");
  create.mutable_client()->mutable_acquisition()->mutable_acquired_at()->set_seconds(kJune1985);
  v1::Client created;
  ASSERT_TRUE(stub_->CreateClient(AsTenantA().get(), create, &created).ok());
  EXPECT_EQ(created.acquisition().acquired_at().seconds(), kJune1985);

  v1::ImportClientsResponse imported;
  {
    auto context = AsTenantA();
    auto writer = stub_->ImportClients(context.get(), &imported);
    v1::ImportClientsRequest item;
    item.mutable_client()->set_client_id("c-imp");
    item.mutable_client()->mutable_acquisition()->mutable_acquired_at()->set_seconds(kJanuary1980);
    ASSERT_TRUE(writer->Write(item));
    item.mutable_client()->set_client_id("c-future");
    item.mutable_client()->mutable_acquisition()->mutable_acquired_at()->set_seconds(now_seconds_ +
                                                                                     3 * 86400);
    ASSERT_TRUE(writer->Write(item));
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
  }
  EXPECT_EQ(imported.created_count(), 1);
  ASSERT_EQ(imported.errors_size(), 1);
  EXPECT_EQ(imported.errors(0).message().rfind("client.acquisition.acquired_at: ", 0), 0U);

  // Read back as stored.
  for (const auto& [client_id, seconds] : std::vector<std::pair<std::string, int64_t>>{
           {"c-acq", kJune1985}, {"c-imp", kJanuary1980}}) {
    v1::GetClientRequest get;
    get.set_client_id(client_id);
    v1::Client read;
    ASSERT_TRUE(stub_->GetClient(AsTenantA().get(), get, &read).ok());
    EXPECT_EQ(read.acquisition().acquired_at().seconds(), seconds) << client_id;
  }

  RedisClient redis(testing::RedisFromEnv(), nullptr);
  const auto events = WaitForEvents(tenant_a_, 2, redis);
  std::map<std::string, int64_t> acquired;
  for (const auto& entry : events) {
    v1::ProfileEvent event;
    ASSERT_TRUE(event.ParseFromString(entry.fields.at("payload")));
    if (event.has_client_created()) {
      acquired[event.client_created().client().client_id()] =
          event.client_created().client().acquisition().acquired_at().seconds();
    }
  }
  EXPECT_EQ(acquired["c-acq"], kJune1985);
  EXPECT_EQ(acquired["c-imp"], kJanuary1980);
}

}  // namespace
}  // namespace clienttier::profile
