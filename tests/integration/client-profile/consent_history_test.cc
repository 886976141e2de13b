// ListConsentHistory on the real client-profile (issue 18 part 3): consent changes kept in
// MariaDB with their source, time and key, paged, tenant-scoped, and reduced to the fact of an
// erasure by EraseClient.
#include "common/auth/api_key_store.h"
#include "common/db/sql_helpers.h"
#include "tests/integration/client-profile/profile_fixture.h"

namespace clienttier::profile {
namespace {

class ConsentHistoryTest : public ProfileFixture {
 protected:
  // Sets the client's consent on `channel` through UpdateClient; returns the new version.
  int64_t SetConsent(const std::string& client_id, int64_t version,
                     common::v1::ContactChannel channel, bool granted) {
    v1::UpdateClientRequest request;
    request.mutable_client()->set_client_id(client_id);
    v1::Consent& consent = *request.mutable_client()->add_consents();
    consent.set_channel(channel);
    consent.set_granted(granted);
    request.set_expected_version(version);
    request.mutable_update_mask()->add_paths("consents");
    v1::Client updated;
    const grpc::Status status = stub_->UpdateClient(AsTenantA().get(), request, &updated);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return updated.version();
  }

  grpc::Status History(const std::string& client_id, const std::string& api_key,
                       v1::ListConsentHistoryResponse* response, int page_size = 0,
                       const std::string& token = "") {
    v1::ListConsentHistoryRequest request;
    request.set_client_id(client_id);
    request.mutable_page()->set_page_size(page_size);
    request.mutable_page()->set_page_token(token);
    response->Clear();
    return stub_->ListConsentHistory(Context(api_key).get(), request, response);
  }

  static std::string KeyId(const std::string& key) {
    return ApiKeyStore::Sha256Hex(key).substr(0, 8);
  }
};

TEST_F(ConsentHistoryTest, ChangesAreKeptWithSourceTimeAndKeyAndPaged) {
  int64_t version = CreateClient("c-1", writer_a_).version();
  version = SetConsent("c-1", version, common::v1::CONTACT_CHANNEL_EMAIL, true);
  version = SetConsent("c-1", version, common::v1::CONTACT_CHANNEL_SMS, false);
  version = SetConsent("c-1", version, common::v1::CONTACT_CHANNEL_EMAIL, false);
  SetConsent("c-1", version, common::v1::CONTACT_CHANNEL_EMAIL, false);  // unchanged: no entry

  v1::ListConsentHistoryResponse response;
  ASSERT_TRUE(History("c-1", reader_a_, &response).ok());
  ASSERT_EQ(response.changes_size(), 3);
  EXPECT_TRUE(response.page().next_page_token().empty());
  const v1::ConsentChange& first = response.changes(0);
  EXPECT_EQ(first.channel(), common::v1::CONTACT_CHANNEL_EMAIL);
  EXPECT_EQ(first.old_state(), v1::CONSENT_STATE_UNSPECIFIED);
  EXPECT_EQ(first.new_state(), v1::CONSENT_STATE_GRANTED);
  EXPECT_EQ(first.source(), v1::CONSENT_CHANGE_SOURCE_UPDATE_CLIENT);
  EXPECT_EQ(first.key_id(), KeyId(writer_a_));
  EXPECT_NEAR(first.changed_at().seconds(), now_seconds_, 60);
  EXPECT_EQ(response.changes(1).channel(), common::v1::CONTACT_CHANNEL_SMS);
  EXPECT_EQ(response.changes(1).new_state(), v1::CONSENT_STATE_NOT_GRANTED);
  EXPECT_EQ(response.changes(2).old_state(), v1::CONSENT_STATE_GRANTED);
  EXPECT_EQ(response.changes(2).new_state(), v1::CONSENT_STATE_NOT_GRANTED);
  EXPECT_LE(first.changed_at().seconds() * 1000000000LL + first.changed_at().nanos(),
            response.changes(2).changed_at().seconds() * 1000000000LL +
                response.changes(2).changed_at().nanos());

  // Pages of two: the same three entries, in order.
  ASSERT_TRUE(History("c-1", reader_a_, &response, 2).ok());
  ASSERT_EQ(response.changes_size(), 2);
  const std::string token = response.page().next_page_token();
  ASSERT_FALSE(token.empty());
  ASSERT_TRUE(History("c-1", reader_a_, &response, 2, token).ok());
  ASSERT_EQ(response.changes_size(), 1);
  EXPECT_EQ(response.changes(0).new_state(), v1::CONSENT_STATE_NOT_GRANTED);
  EXPECT_TRUE(response.page().next_page_token().empty());

  // A token of c-1 is refused for another client; bad sizes and ids name their field.
  CreateClient("c-2", writer_a_);
  grpc::Status status = History("c-2", reader_a_, &response, 2, token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("page.page_token"), std::string::npos);
  status = History("c-1", reader_a_, &response, 1001);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("page.page_size"), std::string::npos);
  status = History("", reader_a_, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("client_id"), std::string::npos);
}

TEST_F(ConsentHistoryTest, AnotherTenantSeesNothing) {
  const int64_t version = CreateClient("c-1", writer_a_).version();
  SetConsent("c-1", version, common::v1::CONTACT_CHANNEL_EMAIL, true);
  v1::ListConsentHistoryResponse response;
  EXPECT_EQ(History("c-1", writer_b_, &response).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(response.changes_size(), 0);
  EXPECT_EQ(History("nobody", reader_a_, &response).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ConsentHistoryTest, CreateAndImportRecordTheirConsents) {
  v1::CreateClientRequest create;
  create.mutable_client()->set_client_id("created");
  v1::Consent& consent = *create.mutable_client()->add_consents();
  consent.set_channel(common::v1::CONTACT_CHANNEL_PUSH);
  consent.set_granted(true);
  v1::Client created;
  ASSERT_TRUE(stub_->CreateClient(AsTenantA().get(), create, &created).ok());

  v1::ImportClientsResponse imported;
  auto context = AsTenantA();
  auto writer = stub_->ImportClients(context.get(), &imported);
  v1::ImportClientsRequest item;
  item.mutable_client()->set_client_id("imported");
  v1::Consent& refused = *item.mutable_client()->add_consents();
  refused.set_channel(common::v1::CONTACT_CHANNEL_SMS);
  refused.set_granted(false);
  ASSERT_TRUE(writer->Write(item));
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  ASSERT_EQ(imported.created_count(), 1);

  v1::ListConsentHistoryResponse response;
  ASSERT_TRUE(History("created", reader_a_, &response).ok());
  ASSERT_EQ(response.changes_size(), 1);
  EXPECT_EQ(response.changes(0).source(), v1::CONSENT_CHANGE_SOURCE_CREATE_CLIENT);
  EXPECT_EQ(response.changes(0).new_state(), v1::CONSENT_STATE_GRANTED);
  ASSERT_TRUE(History("imported", reader_a_, &response).ok());
  ASSERT_EQ(response.changes_size(), 1);
  EXPECT_EQ(response.changes(0).source(), v1::CONSENT_CHANGE_SOURCE_IMPORT_CLIENTS);
  EXPECT_EQ(response.changes(0).channel(), common::v1::CONTACT_CHANNEL_SMS);
  EXPECT_EQ(response.changes(0).new_state(), v1::CONSENT_STATE_NOT_GRANTED);
  EXPECT_EQ(response.changes(0).key_id(), KeyId(writer_a_));
}

TEST_F(ConsentHistoryTest, ErasureLeavesOnlyTheFactOfTheErasure) {
  int64_t version = CreateClient("c-1", writer_a_).version();
  version = SetConsent("c-1", version, common::v1::CONTACT_CHANNEL_EMAIL, true);
  SetConsent("c-1", version, common::v1::CONTACT_CHANNEL_PHONE, true);

  v1::EraseClientRequest erase;
  erase.set_client_id("c-1");
  erase.set_reason("client request #78");
  v1::Client tombstone;
  ASSERT_TRUE(stub_->EraseClient(AsAdminA().get(), erase, &tombstone).ok());
  ASSERT_TRUE(stub_->EraseClient(AsAdminA().get(), erase, &tombstone).ok());  // again: no-op

  v1::ListConsentHistoryResponse response;
  ASSERT_TRUE(History("c-1", reader_a_, &response).ok());
  ASSERT_EQ(response.changes_size(), 1);
  const v1::ConsentChange& erasure = response.changes(0);
  EXPECT_EQ(erasure.source(), v1::CONSENT_CHANGE_SOURCE_ERASE_CLIENT);
  EXPECT_EQ(erasure.key_id(), KeyId(admin_a_));
  EXPECT_EQ(erasure.channel(), common::v1::CONTACT_CHANNEL_UNSPECIFIED);
  EXPECT_EQ(erasure.old_state(), v1::CONSENT_STATE_UNSPECIFIED);
  EXPECT_EQ(erasure.new_state(), v1::CONSENT_STATE_UNSPECIFIED);
  EXPECT_EQ(erasure.changed_at().seconds(), tombstone.erased_at().seconds());

  // In MariaDB too: one row for the client, with nothing but the fact.
  MySqlPool pool(config_.mysql, nullptr);
  pool.WithConnection([&](sql::Connection& connection) {
    auto select =
        Prepare(connection,
                "SELECT COUNT(*), MAX(channel), MAX(old_state), MAX(new_state) FROM consent_history"
                " WHERE tenant_id = ? AND client_id = ?");
    select->setString(1, tenant_a_);
    select->setString(2, "c-1");
    auto rows = Query(*select);
    ASSERT_TRUE(rows->next());
    EXPECT_EQ(rows->getInt(1), 1);
    EXPECT_EQ(rows->getInt(2), 0);
    EXPECT_EQ(rows->getInt(3), 0);
    EXPECT_EQ(rows->getInt(4), 0);
  });
}

}  // namespace
}  // namespace clienttier::profile
