#include "services/client-profile/app/client_use_cases.h"

#include <gtest/gtest.h>

#include "common/errors/domain_error.h"
#include "tests/support/profile/fake_client_repository.h"
#include "tests/support/profile/fixed_clock.h"

namespace clienttier::profile {
namespace {

using testing::FakeClientRepository;
using testing::FixedClock;

constexpr UnixMicros kNow = 1'700'000'000LL * kMicrosPerSecond;
constexpr char kTenant[] = "tenant-a";
constexpr char kKey[] = "key-1";

v1::Client Input(const std::string& client_id, const std::string& name = "Li Na") {
  v1::Client client;
  client.set_client_id(client_id);
  client.set_display_name(name);
  client.set_email(client_id + "@example.com");
  client.mutable_acquisition()->set_channel("search_ads");
  return client;
}

ErrorKind KindOf(const std::function<void()>& call) {
  try {
    call();
  } catch (const DomainError& error) {
    return error.kind();
  }
  ADD_FAILURE() << "no DomainError thrown";
  return ErrorKind::kInternal;
}

class ClientUseCasesTest : public ::testing::Test {
 protected:
  FakeClientRepository repository_;
  FixedClock clock_{kNow};
  int commits_ = 0;
  ClientUseCases clients_{repository_, clock_, [this] { ++commits_; }};
};

TEST_F(ClientUseCasesTest, CreateStoresTheNewClientAndWakesTheRelay) {
  const v1::Client created = clients_.Create(kTenant, Input("c-1"), kKey);

  EXPECT_EQ(created.version(), 1);
  EXPECT_EQ(FromProtoTimestamp(created.created_at()), kNow);
  EXPECT_EQ(FromProtoTimestamp(created.updated_at()), kNow);
  ASSERT_NE(repository_.Find(kTenant, "c-1"), nullptr);
  EXPECT_EQ(repository_.Find(kTenant, "c-1")->version(), 1);
  EXPECT_EQ(commits_, 1);
  EXPECT_EQ(repository_.Find("tenant-b", "c-1"), nullptr);  // tenants do not share ids
}

TEST_F(ClientUseCasesTest, CreateWithATakenIdIsAlreadyExistsAndKeepsTheFirst) {
  clients_.Create(kTenant, Input("c-1", "First"), kKey);

  EXPECT_EQ(KindOf([&] { clients_.Create(kTenant, Input("c-1", "Second"), kKey); }),
            ErrorKind::kAlreadyExists);
  EXPECT_EQ(repository_.Find(kTenant, "c-1")->display_name(), "First");
  EXPECT_EQ(commits_, 1);                           // nothing committed, nothing to publish
  clients_.Create("tenant-b", Input("c-1"), kKey);  // the same id in another tenant is free
}

TEST_F(ClientUseCasesTest, GetIsNotFoundForAnUnknownClient) {
  EXPECT_EQ(KindOf([&] { clients_.Get(kTenant, "nobody"); }), ErrorKind::kNotFound);
  clients_.Create(kTenant, Input("c-1"), kKey);
  EXPECT_EQ(clients_.Get(kTenant, "c-1").display_name(), "Li Na");
  EXPECT_EQ(KindOf([&] { clients_.Get("tenant-b", "c-1"); }), ErrorKind::kNotFound);
}

TEST_F(ClientUseCasesTest, GetWithoutIoAnswersOnlyFromTheInProcessCache) {
  clients_.Create(kTenant, Input("c-1"), kKey);
  EXPECT_FALSE(clients_.GetWithoutIo(kTenant, "c-1").has_value());

  repository_.cached_without_io.insert("c-1");
  const auto cached = clients_.GetWithoutIo(kTenant, "c-1");
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(cached->client_id(), "c-1");
  EXPECT_EQ(repository_.get_calls, 0);  // the fast path never falls back to Get
}

v1::UpdateClientRequest Rename(const std::string& client_id, int64_t expected_version,
                               const std::string& name) {
  v1::UpdateClientRequest request;
  request.mutable_client()->set_client_id(client_id);
  request.mutable_client()->set_display_name(name);
  request.set_expected_version(expected_version);
  request.mutable_update_mask()->add_paths("display_name");
  return request;
}

TEST_F(ClientUseCasesTest, UpdateAppliesTheMaskAndBumpsTheVersion) {
  clients_.Create(kTenant, Input("c-1"), kKey);
  clock_.Advance(kMicrosPerSecond);

  const v1::Client updated = clients_.Update(kTenant, Rename("c-1", 1, "Wang Fang"), kKey);

  EXPECT_EQ(updated.version(), 2);
  EXPECT_EQ(updated.display_name(), "Wang Fang");
  EXPECT_EQ(updated.email(), "c-1@example.com");  // outside the mask: kept
  EXPECT_EQ(FromProtoTimestamp(updated.updated_at()), kNow + kMicrosPerSecond);
  EXPECT_EQ(FromProtoTimestamp(updated.created_at()), kNow);
  EXPECT_EQ(commits_, 2);
}

TEST_F(ClientUseCasesTest, UpdateWithAStaleVersionIsAConflictAndChangesNothing) {
  clients_.Create(kTenant, Input("c-1"), kKey);
  clients_.Update(kTenant, Rename("c-1", 1, "Second"), kKey);

  EXPECT_EQ(KindOf([&] { clients_.Update(kTenant, Rename("c-1", 1, "Lost update"), kKey); }),
            ErrorKind::kConflict);
  EXPECT_EQ(repository_.Find(kTenant, "c-1")->display_name(), "Second");
  EXPECT_EQ(repository_.Find(kTenant, "c-1")->version(), 2);
  EXPECT_EQ(commits_, 2);
  EXPECT_EQ(KindOf([&] { clients_.Update(kTenant, Rename("nobody", 1, "x"), kKey); }),
            ErrorKind::kNotFound);
}

TEST_F(ClientUseCasesTest, ListPagesThroughAllClientsWithTokensBoundToTheFilter) {
  for (const char* id : {"c-5", "c-1", "c-3", "c-2", "c-4"}) {
    clients_.Create(kTenant, Input(id), kKey);
  }
  ClientFilter filter;
  filter.acquisition_channel = "search_ads";

  ClientPage first = clients_.List(kTenant, filter, "", 2);
  ASSERT_EQ(first.clients.size(), 2u);
  EXPECT_EQ(first.clients[0].client_id(), "c-1");
  EXPECT_EQ(first.clients[1].client_id(), "c-2");
  ASSERT_FALSE(first.next_page_token.empty());

  ClientPage second = clients_.List(kTenant, filter, first.next_page_token, 2);
  ASSERT_EQ(second.clients.size(), 2u);
  EXPECT_EQ(second.clients[0].client_id(), "c-3");
  ClientPage last = clients_.List(kTenant, filter, second.next_page_token, 2);
  ASSERT_EQ(last.clients.size(), 1u);
  EXPECT_EQ(last.clients[0].client_id(), "c-5");
  EXPECT_TRUE(last.next_page_token.empty());

  // A page exactly full has no next page.
  EXPECT_TRUE(clients_.List(kTenant, filter, "", 5).next_page_token.empty());
  // Page size 0 is the default, which holds all five.
  EXPECT_EQ(clients_.List(kTenant, filter, "", 0).clients.size(), 5u);

  ClientFilter other = filter;
  other.include_erased = true;
  EXPECT_EQ(KindOf([&] { clients_.List(kTenant, other, first.next_page_token, 2); }),
            ErrorKind::kInvalid);
  EXPECT_EQ(commits_, 5);  // reads commit nothing
}

// Returns the records of `clients` one by one, as the gRPC stream does.
ImportSource Stream(std::vector<v1::Client> clients) {
  auto position = std::make_shared<size_t>(0);
  auto items = std::make_shared<std::vector<v1::Client>>(std::move(clients));
  return [position, items](v1::Client& client) {
    if (*position >= items->size()) {
      return false;
    }
    client = (*items)[(*position)++];
    return true;
  };
}

TEST_F(ClientUseCasesTest, ImportSkipsExistingIdsAndReportsInvalidRecords) {
  clients_.Create(kTenant, Input("c-1", "Already here"), kKey);
  v1::Client invalid = Input("c-bad");
  invalid.set_email("not-an-email");

  const v1::ImportClientsResponse report =
      clients_.Import(kTenant,
                      Stream({Input("c-1", "Imported"), Input("c-2"), invalid, Input("c-3"),
                              Input("c-2", "Repeated")}),
                      kKey);

  EXPECT_EQ(report.received_count(), 5);
  EXPECT_EQ(report.created_count(), 2);   // c-2, c-3
  EXPECT_EQ(report.existing_count(), 2);  // c-1, and c-2 a second time
  EXPECT_EQ(report.rejected_count(), 1);
  ASSERT_EQ(report.errors_size(), 1);
  EXPECT_EQ(report.errors(0).index(), 2);
  EXPECT_EQ(report.errors(0).client_id(), "c-bad");
  EXPECT_NE(report.errors(0).message().find("email"), std::string::npos);

  EXPECT_EQ(repository_.Find(kTenant, "c-1")->display_name(), "Already here");
  EXPECT_EQ(repository_.Find(kTenant, "c-2")->display_name(), "Li Na");
  EXPECT_EQ(repository_.Find(kTenant, "c-2")->version(), 1);  // stored as NewClient made it
  EXPECT_EQ(repository_.Find(kTenant, "c-bad"), nullptr);
  EXPECT_EQ(commits_, 2);  // the create, then one chunk
}

TEST_F(ClientUseCasesTest, ImportWritesInChunksAndWakesTheRelayPerChunk) {
  std::vector<v1::Client> many;
  for (size_t i = 0; i < 2 * ClientUseCases::kImportChunk + 1; ++i) {
    many.push_back(Input("c-" + std::to_string(i)));
  }

  const v1::ImportClientsResponse report = clients_.Import(kTenant, Stream(many), kKey);

  EXPECT_EQ(report.created_count(), static_cast<int64_t>(many.size()));
  EXPECT_EQ(repository_.import_chunk_sizes,
            (std::vector<size_t>{ClientUseCases::kImportChunk, ClientUseCases::kImportChunk, 1}));
  EXPECT_EQ(commits_, 3);
}

TEST_F(ClientUseCasesTest, ImportReportsAtMostAHundredErrorsButCountsAllRejections) {
  std::vector<v1::Client> invalid(150, Input(""));  // client_id is required

  const v1::ImportClientsResponse report = clients_.Import(kTenant, Stream(invalid), kKey);

  EXPECT_EQ(report.rejected_count(), 150);
  EXPECT_EQ(report.errors_size(), ClientUseCases::kMaxReportedImportErrors);
  EXPECT_EQ(report.created_count(), 0);
  EXPECT_TRUE(repository_.import_chunk_sizes.empty());  // nothing valid: no write at all
  EXPECT_EQ(commits_, 0);
}

TEST_F(ClientUseCasesTest, EraseLeavesATombstoneOnceAndHidesTheClientFromLists) {
  clients_.Create(kTenant, Input("c-1"), kKey);
  clock_.Advance(kMicrosPerSecond);

  const v1::Client tombstone = clients_.Erase(kTenant, "c-1", "client asked", "key-1");

  EXPECT_TRUE(tombstone.erased());
  EXPECT_EQ(tombstone.client_id(), "c-1");
  EXPECT_TRUE(tombstone.display_name().empty());
  EXPECT_TRUE(tombstone.email().empty());
  EXPECT_EQ(tombstone.acquisition().channel(), "search_ads");  // not personal: kept
  EXPECT_EQ(FromProtoTimestamp(tombstone.erased_at()), kNow + kMicrosPerSecond);
  EXPECT_EQ(commits_, 2);

  // Erasing again is harmless and returns the same tombstone.
  clock_.Advance(kMicrosPerSecond);
  const v1::Client again = clients_.Erase(kTenant, "c-1", "retry", "key-1");
  EXPECT_EQ(again.version(), tombstone.version());
  EXPECT_EQ(FromProtoTimestamp(again.erased_at()), kNow + kMicrosPerSecond);

  EXPECT_TRUE(clients_.List(kTenant, {}, "", 10).clients.empty());
  ClientFilter with_erased;
  with_erased.include_erased = true;
  EXPECT_EQ(clients_.List(kTenant, with_erased, "", 10).clients.size(), 1u);
  EXPECT_EQ(KindOf([&] { clients_.Update(kTenant, Rename("c-1", again.version(), "x"), kKey); }),
            ErrorKind::kFailedPrecondition);
  EXPECT_EQ(KindOf([&] { clients_.Erase(kTenant, "nobody", "r", "key-1"); }), ErrorKind::kNotFound);
}

v1::UpdateClientRequest SetConsent(const std::string& client_id, int64_t expected_version,
                                   common::v1::ContactChannel channel, bool granted) {
  v1::UpdateClientRequest request;
  request.mutable_client()->set_client_id(client_id);
  v1::Consent& consent = *request.mutable_client()->add_consents();
  consent.set_channel(channel);
  consent.set_granted(granted);
  request.set_expected_version(expected_version);
  request.mutable_update_mask()->add_paths("consents");
  return request;
}

TEST_F(ClientUseCasesTest, EveryConsentChangeIsKeptWithItsSourceTimeAndKey) {
  v1::Client input = Input("c-1");
  v1::Consent& email = *input.add_consents();
  email.set_channel(common::v1::CONTACT_CHANNEL_EMAIL);
  email.set_granted(true);
  v1::Client client = clients_.Create(kTenant, input, "key-creator");
  clock_.Advance(kMicrosPerSecond);
  client = clients_.Update(
      kTenant, SetConsent("c-1", client.version(), common::v1::CONTACT_CHANNEL_EMAIL, false),
      "key-editor");
  // A rename and a consent sent again unchanged record nothing.
  client = clients_.Update(kTenant, Rename("c-1", client.version(), "Renamed"), "key-editor");
  client = clients_.Update(
      kTenant, SetConsent("c-1", client.version(), common::v1::CONTACT_CHANNEL_EMAIL, false),
      "key-editor");

  const ConsentHistoryPage page = clients_.ListConsentHistory(kTenant, "c-1", "", 0);
  ASSERT_EQ(page.changes.size(), 2u);
  EXPECT_TRUE(page.next_page_token.empty());
  const v1::ConsentChange& granted = page.changes[0];
  EXPECT_EQ(granted.channel(), common::v1::CONTACT_CHANNEL_EMAIL);
  EXPECT_EQ(granted.old_state(), v1::CONSENT_STATE_UNSPECIFIED);
  EXPECT_EQ(granted.new_state(), v1::CONSENT_STATE_GRANTED);
  EXPECT_EQ(granted.source(), v1::CONSENT_CHANGE_SOURCE_CREATE_CLIENT);
  EXPECT_EQ(granted.key_id(), "key-creator");
  EXPECT_EQ(FromProtoTimestamp(granted.changed_at()), kNow);
  const v1::ConsentChange& withdrawn = page.changes[1];
  EXPECT_EQ(withdrawn.old_state(), v1::CONSENT_STATE_GRANTED);
  EXPECT_EQ(withdrawn.new_state(), v1::CONSENT_STATE_NOT_GRANTED);
  EXPECT_EQ(withdrawn.source(), v1::CONSENT_CHANGE_SOURCE_UPDATE_CLIENT);
  EXPECT_EQ(withdrawn.key_id(), "key-editor");
  EXPECT_EQ(FromProtoTimestamp(withdrawn.changed_at()), kNow + kMicrosPerSecond);
}

TEST_F(ClientUseCasesTest, ConsentHistoryPagesAreBoundToTheirClient) {
  int64_t version = clients_.Create(kTenant, Input("c-1"), kKey).version();
  clients_.Create(kTenant, Input("c-2"), kKey);
  for (int i = 0; i < 5; ++i) {
    version =
        clients_
            .Update(kTenant,
                    SetConsent("c-1", version, common::v1::CONTACT_CHANNEL_SMS, i % 2 == 0), kKey)
            .version();
  }
  std::vector<v1::ConsentState> states;
  std::string token;
  int pages = 0;
  do {
    const ConsentHistoryPage page = clients_.ListConsentHistory(kTenant, "c-1", token, 2);
    for (const auto& change : page.changes) {
      states.push_back(change.new_state());
    }
    token = page.next_page_token;
    ++pages;
    if (pages == 1) {
      EXPECT_EQ(KindOf([&] { clients_.ListConsentHistory(kTenant, "c-2", token, 2); }),
                ErrorKind::kInvalid);
    }
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(states,
            (std::vector<v1::ConsentState>{v1::CONSENT_STATE_GRANTED, v1::CONSENT_STATE_NOT_GRANTED,
                                           v1::CONSENT_STATE_GRANTED, v1::CONSENT_STATE_NOT_GRANTED,
                                           v1::CONSENT_STATE_GRANTED}));
  EXPECT_EQ(KindOf([&] { clients_.ListConsentHistory(kTenant, "nobody", "", 0); }),
            ErrorKind::kNotFound);
  EXPECT_EQ(KindOf([&] { clients_.ListConsentHistory("tenant-b", "c-1", "", 0); }),
            ErrorKind::kNotFound);
  EXPECT_EQ(KindOf([&] { clients_.ListConsentHistory(kTenant, "c-1", "garbage", 0); }),
            ErrorKind::kInvalid);
}

TEST_F(ClientUseCasesTest, ImportRecordsConsentsAndErasureKeepsOnlyTheFactOfIt) {
  v1::Client input = Input("c-1");
  v1::Consent& messaging = *input.add_consents();
  messaging.set_channel(common::v1::CONTACT_CHANNEL_MESSAGING);
  messaging.set_granted(false);
  clients_.Import(kTenant, Stream({input}), "key-importer");
  ConsentHistoryPage page = clients_.ListConsentHistory(kTenant, "c-1", "", 0);
  ASSERT_EQ(page.changes.size(), 1u);
  EXPECT_EQ(page.changes[0].source(), v1::CONSENT_CHANGE_SOURCE_IMPORT_CLIENTS);
  EXPECT_EQ(page.changes[0].new_state(), v1::CONSENT_STATE_NOT_GRANTED);
  EXPECT_EQ(page.changes[0].key_id(), "key-importer");

  clock_.Advance(kMicrosPerSecond);
  clients_.Erase(kTenant, "c-1", "client asked", "key-admin");
  page = clients_.ListConsentHistory(kTenant, "c-1", "", 0);
  ASSERT_EQ(page.changes.size(), 1u);
  const v1::ConsentChange& erasure = page.changes[0];
  EXPECT_EQ(erasure.source(), v1::CONSENT_CHANGE_SOURCE_ERASE_CLIENT);
  EXPECT_EQ(erasure.key_id(), "key-admin");
  EXPECT_EQ(FromProtoTimestamp(erasure.changed_at()), kNow + kMicrosPerSecond);
  EXPECT_EQ(erasure.channel(), common::v1::CONTACT_CHANNEL_UNSPECIFIED);
  EXPECT_EQ(erasure.old_state(), v1::CONSENT_STATE_UNSPECIFIED);
  EXPECT_EQ(erasure.new_state(), v1::CONSENT_STATE_UNSPECIFIED);

  // Erasing again adds nothing.
  clients_.Erase(kTenant, "c-1", "retry", "key-other");
  EXPECT_EQ(clients_.ListConsentHistory(kTenant, "c-1", "", 0).changes.size(), 1u);
}

}  // namespace
}  // namespace clienttier::profile
