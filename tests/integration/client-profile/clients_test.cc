#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/client-profile/profile_fixture.h"

namespace clienttier::profile {
namespace {

using ClientsTest = ProfileFixture;

TEST_F(ClientsTest, CreateGetAndDuplicateCreate) {
  const v1::Client created = CreateClient("c-1", writer_a_);
  EXPECT_EQ(created.version(), 1);
  v1::GetClientRequest get;
  get.set_client_id("c-1");
  v1::Client fetched;
  ASSERT_TRUE(stub_->GetClient(AsTenantA().get(), get, &fetched).ok());
  EXPECT_EQ(fetched.email(), "c-1@example.com");
  EXPECT_EQ(fetched.tags_size(), 1);
  // Second read comes from the cache and must be identical.
  v1::Client cached;
  ASSERT_TRUE(stub_->GetClient(AsTenantA().get(), get, &cached).ok());
  EXPECT_EQ(cached.SerializeAsString(), fetched.SerializeAsString());

  v1::CreateClientRequest again;
  again.mutable_client()->set_client_id("c-1");
  v1::Client ignored;
  EXPECT_EQ(stub_->CreateClient(AsTenantA().get(), again, &ignored).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(ClientsTest, UpdateWithStaleVersionIsRefused) {
  CreateClient("c-1", writer_a_);
  v1::UpdateClientRequest update;
  update.mutable_client()->set_client_id("c-1");
  update.mutable_client()->set_display_name("Renamed");
  update.set_expected_version(1);
  update.mutable_update_mask()->add_paths("display_name");
  v1::Client updated;
  ASSERT_TRUE(stub_->UpdateClient(AsTenantA().get(), update, &updated).ok());
  EXPECT_EQ(updated.version(), 2);
  const grpc::Status stale = stub_->UpdateClient(AsTenantA().get(), update, &updated);
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::ABORTED);

  // The cache was invalidated: a read sees version 2.
  v1::GetClientRequest get;
  get.set_client_id("c-1");
  v1::Client fetched;
  ASSERT_TRUE(stub_->GetClient(AsTenantA().get(), get, &fetched).ok());
  EXPECT_EQ(fetched.display_name(), "Renamed");
  EXPECT_EQ(fetched.version(), 2);
}

TEST_F(ClientsTest, ConcurrentUpdatesOfOneVersionLetExactlyOneWin) {
  CreateClient("c-1", writer_a_);
  std::atomic<int> ok{0};
  std::atomic<int> aborted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      v1::UpdateClientRequest update;
      update.mutable_client()->set_client_id("c-1");
      update.mutable_client()->set_display_name("writer " + std::to_string(i));
      update.set_expected_version(1);
      update.mutable_update_mask()->add_paths("display_name");
      v1::Client response;
      const auto code = stub_->UpdateClient(AsTenantA().get(), update, &response).error_code();
      (code == grpc::StatusCode::OK ? ok : aborted)++;
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(aborted.load(), 7);
}

TEST_F(ClientsTest, ListFiltersAndPaginates) {
  for (int i = 0; i < 5; ++i) {
    CreateClient("c-" + std::to_string(i), writer_a_);
  }
  CreateClient("other-tenant-client", writer_b_);
  std::vector<std::string> seen;
  v1::ListClientsRequest list;
  list.mutable_page()->set_page_size(2);
  list.set_tag("parenting");
  for (int page = 0; page < 10; ++page) {
    v1::ListClientsResponse response;
    ASSERT_TRUE(stub_->ListClients(AsTenantA().get(), list, &response).ok());
    for (const auto& client : response.clients()) {
      seen.push_back(client.client_id());
    }
    if (response.page().next_page_token().empty()) {
      break;
    }
    list.mutable_page()->set_page_token(response.page().next_page_token());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"c-0", "c-1", "c-2", "c-3", "c-4"}));

  list.Clear();
  list.set_tag("no-such-tag");
  v1::ListClientsResponse none;
  ASSERT_TRUE(stub_->ListClients(AsTenantA().get(), list, &none).ok());
  EXPECT_EQ(none.clients_size(), 0);
}

TEST_F(ClientsTest, ATenantNeverReachesAnotherTenantsClient) {
  CreateClient("shared-id", writer_a_);
  v1::GetClientRequest get;
  get.set_client_id("shared-id");
  v1::Client response;
  EXPECT_EQ(stub_->GetClient(AsTenantB().get(), get, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::UpdateClientRequest update;
  update.mutable_client()->set_client_id("shared-id");
  update.mutable_client()->set_display_name("hijacked");
  update.set_expected_version(1);
  update.mutable_update_mask()->add_paths("display_name");
  EXPECT_EQ(stub_->UpdateClient(AsTenantB().get(), update, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::ListClientsRequest list;
  v1::ListClientsResponse listed;
  ASSERT_TRUE(stub_->ListClients(AsTenantB().get(), list, &listed).ok());
  EXPECT_EQ(listed.clients_size(), 0);

  v1::RecordTransactionRequest record;
  *record.mutable_transaction() = Transaction("tx-b", "shared-id", 100);
  v1::RecordTransactionResponse recorded;
  EXPECT_EQ(stub_->RecordTransaction(AsTenantB().get(), record, &recorded).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Tenant B may create its own client with the same id; both stay apart.
  CreateClient("shared-id", writer_b_);
  ASSERT_TRUE(stub_->GetClient(AsTenantA().get(), get, &response).ok());
  EXPECT_EQ(response.display_name(), "Client shared-id");
  EXPECT_EQ(response.version(), 1);

  v1::GetActivitySummaryRequest summary_request;
  summary_request.set_client_id("shared-id");
  v1::ActivitySummary summary;
  ASSERT_TRUE(stub_->GetActivitySummary(AsTenantA().get(), summary_request, &summary).ok());
  EXPECT_EQ(summary.purchase_count(), 0);
}

TEST_F(ClientsTest, EraseKeepsATombstoneAndNeedsAdmin) {
  CreateClient("c-1", writer_a_);
  v1::EraseClientRequest erase;
  erase.set_client_id("c-1");
  erase.set_reason("client request #77");
  v1::Client tombstone;
  EXPECT_EQ(stub_->EraseClient(AsTenantA().get(), erase, &tombstone).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->EraseClient(Context(admin_a_ + "x").get(), erase, &tombstone).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // Tenant B's admin cannot erase tenant A's client: B has no admin key here, and A's id is
  // unknown in B anyway (covered above); erase as A's admin.
  ASSERT_TRUE(stub_->EraseClient(AsAdminA().get(), erase, &tombstone).ok());
  EXPECT_TRUE(tombstone.erased());

  v1::GetClientRequest get;
  get.set_client_id("c-1");
  v1::Client fetched;
  ASSERT_TRUE(stub_->GetClient(AsTenantA().get(), get, &fetched).ok());
  EXPECT_TRUE(fetched.erased());
  EXPECT_TRUE(fetched.email().empty());
  EXPECT_EQ(fetched.tags_size(), 0);

  v1::RecordTransactionRequest record;
  *record.mutable_transaction() = Transaction("after-erase", "c-1", 100);
  v1::RecordTransactionResponse recorded;
  EXPECT_EQ(stub_->RecordTransaction(AsTenantA().get(), record, &recorded).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  v1::ListClientsRequest list;
  v1::ListClientsResponse listed;
  ASSERT_TRUE(stub_->ListClients(AsTenantA().get(), list, &listed).ok());
  EXPECT_EQ(listed.clients_size(), 0);
  list.set_include_erased(true);
  ASSERT_TRUE(stub_->ListClients(AsTenantA().get(), list, &listed).ok());
  EXPECT_EQ(listed.clients_size(), 1);
}

TEST_F(ClientsTest, InvalidClientsAreRefusedAndWriteNothing) {
  struct Case {
    std::function<void(v1::Client*)> damage;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](v1::Client* c) { c->set_client_id(""); }, "client.client_id: required"},
      {[](v1::Client* c) { c->set_client_id(std::string(65, 'x')); },
       "client.client_id: must be at most 64 characters"},
      {[](v1::Client* c) { c->set_email("x"); }, "client.email: must look like name@domain"},
      {[](v1::Client* c) { c->mutable_demographics()->set_age_band(static_cast<v1::AgeBand>(99)); },
       "client.demographics.age_band: unknown value 99"},
      {[](v1::Client* c) { c->mutable_acquisition()->mutable_cost()->set_currency("XYZ"); },
       "client.acquisition.cost.currency: unknown ISO 4217 code 'XYZ'"},
  };
  for (const auto& test_case : cases) {
    v1::CreateClientRequest request;
    request.mutable_client()->set_client_id("bad-client");
    test_case.damage(request.mutable_client());
    v1::Client response;
    const grpc::Status status = stub_->CreateClient(AsTenantA().get(), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message(), test_case.message);
  }
  v1::ListClientsRequest list;
  list.set_include_erased(true);
  v1::ListClientsResponse listed;
  ASSERT_TRUE(stub_->ListClients(AsTenantA().get(), list, &listed).ok());
  EXPECT_EQ(listed.clients_size(), 0);
}

TEST_F(ClientsTest, ImportIsResumableAndExportStreamsEverything) {
  CreateClient("c-00", writer_a_);
  v1::ImportClientsResponse response;
  {
    auto context = AsTenantA();
    auto writer = stub_->ImportClients(context.get(), &response);
    for (int i = 0; i < 1200; ++i) {
      v1::ImportClientsRequest item;
      char id[16];
      std::snprintf(id, sizeof id, "c-%02d", i);
      item.mutable_client()->set_client_id(i == 7 ? "bad id" : id);
      ASSERT_TRUE(writer->Write(item));
    }
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
  }
  EXPECT_EQ(response.received_count(), 1200);
  EXPECT_EQ(response.rejected_count(), 1);
  ASSERT_EQ(response.errors_size(), 1);
  EXPECT_EQ(response.errors(0).index(), 7);
  EXPECT_EQ(response.existing_count(), 1);  // c-00 was there already
  EXPECT_EQ(response.created_count(), 1198);

  v1::RecordTransactionsRequest batch;
  *batch.add_transactions() = Transaction("t1", "c-05", 100);
  *batch.add_transactions() = Transaction("t2", "c-05", 200);
  v1::RecordTransactionsResponse recorded;
  ASSERT_TRUE(stub_->RecordTransactions(AsTenantA().get(), batch, &recorded).ok());

  v1::ExportClientsRequest export_request;
  export_request.set_include_transactions(true);
  auto context = AsTenantA();
  auto reader = stub_->ExportClients(context.get(), export_request);
  v1::ExportClientsResponse item;
  int clients = 0;
  int transactions = 0;
  std::string last;
  while (reader->Read(&item)) {
    ++clients;
    transactions += item.transactions_size();
    EXPECT_LT(last, item.client().client_id());
    last = item.client().client_id();
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(clients, 1199);
  EXPECT_EQ(transactions, 2);
}

// ExportClientPages is ExportClients a page per message: the same items in the same order, up to
// 500 a message, none empty, and resumable after a client id.
TEST_F(ClientsTest, ExportClientPagesSendsWhatExportClientsSendsAPageAMessage) {
  constexpr int kClients = 1203;
  {
    v1::ImportClientsResponse response;
    auto context = AsTenantA();
    auto writer = stub_->ImportClients(context.get(), &response);
    for (int i = 0; i < kClients; ++i) {
      v1::ImportClientsRequest item;
      char id[16];
      std::snprintf(id, sizeof id, "p-%04d", i);
      item.mutable_client()->set_client_id(id);
      item.mutable_client()->set_email(std::string(id) + "@example.com");
      ASSERT_TRUE(writer->Write(item));
    }
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
    ASSERT_EQ(response.created_count(), kClients);
  }
  v1::RecordTransactionsRequest batch;
  *batch.add_transactions() = Transaction("pt-1", "p-0499", 100);
  *batch.add_transactions() = Transaction("pt-2", "p-0500", 200);
  v1::RecordTransactionsResponse recorded;
  ASSERT_TRUE(stub_->RecordTransactions(AsTenantA().get(), batch, &recorded).ok());

  v1::ExportClientsRequest request;
  request.set_include_transactions(true);
  std::vector<std::string> single;
  {
    auto context = AsTenantA();
    auto reader = stub_->ExportClients(context.get(), request);
    v1::ExportClientsResponse item;
    while (reader->Read(&item)) {
      single.push_back(item.SerializeAsString());
    }
    ASSERT_TRUE(reader->Finish().ok());
  }
  const auto paged = [&](const v1::ExportClientsRequest& asked, std::vector<int>* sizes) {
    std::vector<std::string> items;
    auto context = AsTenantA();
    auto reader = stub_->ExportClientPages(context.get(), asked);
    v1::ExportClientPage page;
    while (reader->Read(&page)) {
      sizes->push_back(page.clients_size());
      for (const auto& item : page.clients()) {
        items.push_back(item.SerializeAsString());
      }
    }
    EXPECT_TRUE(reader->Finish().ok());
    return items;
  };
  std::vector<int> sizes;
  const std::vector<std::string> all = paged(request, &sizes);
  ASSERT_EQ(single.size(), static_cast<size_t>(kClients));
  EXPECT_EQ(all, single);
  EXPECT_EQ(sizes, (std::vector<int>{500, 500, 203}));

  request.set_after_client_id("p-0999");
  sizes.clear();
  const std::vector<std::string> rest = paged(request, &sizes);
  EXPECT_EQ(rest, std::vector<std::string>(single.begin() + 1000, single.end()));
  EXPECT_EQ(sizes, std::vector<int>{203});

  request.set_after_client_id("bad id");
  auto context = AsTenantA();
  auto reader = stub_->ExportClientPages(context.get(), request);
  v1::ExportClientPage page;
  EXPECT_FALSE(reader->Read(&page));
  const grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("after_client_id"), std::string::npos);

  // Another tenant's export has none of these.
  auto other_context = AsTenantB();
  auto other = stub_->ExportClientPages(other_context.get(), v1::ExportClientsRequest());
  EXPECT_FALSE(other->Read(&page));
  EXPECT_TRUE(other->Finish().ok());
}

// ExportClients reads a page's consents and tags as ranges of their tables' keys: each client
// keeps its own across the pages' edges (500 a page), as GetClient shows them.
TEST_F(ClientsTest, ExportCarriesEachClientsConsentsAndTagsAcrossPages) {
  constexpr int kClients = 1100;
  const auto id_of = [](int i) {
    char id[16];
    std::snprintf(id, sizeof id, "e-%04d", i);
    return std::string(id);
  };
  {
    v1::ImportClientsResponse response;
    auto context = AsTenantA();
    auto writer = stub_->ImportClients(context.get(), &response);
    for (int i = 0; i < kClients; ++i) {
      v1::ImportClientsRequest item;
      v1::Client& client = *item.mutable_client();
      client.set_client_id(id_of(i));
      v1::Tag& tag = *client.add_tags();
      tag.set_kind(v1::TAG_KIND_INTEREST);
      tag.set_value("topic-" + std::to_string(i % 7));
      if (i % 2 == 0) {
        v1::Tag& even = *client.add_tags();
        even.set_kind(v1::TAG_KIND_INTEREST);
        even.set_value("zz-even");
      }
      v1::Consent& consent = *client.add_consents();
      consent.set_channel(common::v1::CONTACT_CHANNEL_EMAIL);
      consent.set_granted(i % 3 == 0);
      ASSERT_TRUE(writer->Write(item));
    }
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
    ASSERT_EQ(response.created_count(), kClients);
  }
  auto context = AsTenantA();
  auto reader = stub_->ExportClients(context.get(), v1::ExportClientsRequest());
  v1::ExportClientsResponse item;
  int exported = 0;
  while (reader->Read(&item)) {
    const v1::Client& client = item.client();
    ASSERT_EQ(client.client_id(), id_of(exported));
    const int i = exported++;
    ASSERT_EQ(client.tags_size(), i % 2 == 0 ? 2 : 1) << client.client_id();
    EXPECT_EQ(client.tags(0).value(), "topic-" + std::to_string(i % 7));
    ASSERT_EQ(client.consents_size(), 1) << client.client_id();
    EXPECT_EQ(client.consents(0).granted(), i % 3 == 0) << client.client_id();
    // The clients at a page's edge, as GetClient reads them one by one.
    if (i == 0 || i == 499 || i == 500 || i == 999 || i == 1000 || i == kClients - 1) {
      v1::GetClientRequest get;
      get.set_client_id(client.client_id());
      v1::Client one;
      ASSERT_TRUE(stub_->GetClient(AsTenantA().get(), get, &one).ok());
      EXPECT_EQ(one.SerializeAsString(), client.SerializeAsString()) << client.client_id();
    }
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(exported, kClients);
}

TEST_F(ClientsTest, CallsWithoutAValidKeyAreRefused) {
  v1::GetClientRequest get;
  get.set_client_id("c-1");
  v1::Client response;
  grpc::ClientContext anonymous;
  EXPECT_EQ(stub_->GetClient(&anonymous, get, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  v1::CreateClientRequest create;
  create.mutable_client()->set_client_id("c-1");
  EXPECT_EQ(stub_->CreateClient(Context(reader_a_).get(), create, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace clienttier::profile
