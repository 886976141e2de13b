// Issue 18 part 6 on the real client-profile: a service key (tenant *) acting for a tenant
// reads the client's consents, tags and bands but never the name, contacts or free text, on
// every read path (GetClient cached and not, ListClients, ExportClients, ExportClientPages); the
// tenant's own key
// still reads everything.
#include <gtest/gtest.h>

#include "tests/support/profile_stack_fixture.h"

namespace clienttier::testing {
namespace {

namespace pv1 = ::clienttier::profile::v1;

class ServiceKeyTest : public ProfileStackFixture {
 protected:
  std::unique_ptr<grpc::ClientContext> ServiceContext() const {
    auto context = Context(service_key_);
    context->AddMetadata("x-tenant-id", tenant_a_);
    return context;
  }

  pv1::Client GetAs(std::unique_ptr<grpc::ClientContext> context, const std::string& client_id) {
    pv1::GetClientRequest request;
    request.set_client_id(client_id);
    pv1::Client client;
    const grpc::Status status = profile_stub_->GetClient(context.get(), request, &client);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return client;
  }
};

TEST_F(ServiceKeyTest, AServiceKeyReadsNoNameContactOrFreeText) {
  const std::string client_id = "svc-" + suffix_;
  pv1::CreateClientRequest create;
  pv1::Client& input = *create.mutable_client();
  input.set_client_id(client_id);
  input.set_display_name("Li Na");
  input.set_email("li.na@example.com");
  input.set_phone("+86 138 0000 0000");
  input.mutable_demographics()->set_region("zhejiang");
  pv1::Consent& consent = *input.add_consents();
  consent.set_channel(common::v1::CONTACT_CHANNEL_EMAIL);
  consent.set_granted(true);
  pv1::Tag& tag = *input.add_tags();
  tag.set_kind(pv1::TAG_KIND_INTEREST);
  tag.set_value("yoga");
  pv1::Client created;
  ASSERT_TRUE(profile_stub_->CreateClient(Context(writer_a_).get(), create, &created).ok());
  pv1::RecordInteractionRequest record;
  record.mutable_interaction()->set_idempotency_key("svc-visit-" + suffix_);
  record.mutable_interaction()->set_client_id(client_id);
  record.mutable_interaction()->set_kind(pv1::INTERACTION_KIND_EVENT_ATTENDANCE);
  record.mutable_interaction()->mutable_occurred_at()->set_seconds(now_seconds_ - 60);
  record.mutable_interaction()->set_detail("came with her sister");
  pv1::RecordInteractionResponse recorded;
  ASSERT_TRUE(profile_stub_->RecordInteraction(Context(writer_a_).get(), record, &recorded).ok());

  // The tenant's own key reads everything, and the second read is from the near cache.
  EXPECT_EQ(GetAs(Context(reader_a_), client_id).email(), "li.na@example.com");
  for (int read = 0; read < 2; ++read) {
    const pv1::Client seen = GetAs(ServiceContext(), client_id);
    EXPECT_EQ(seen.display_name(), "") << read;
    EXPECT_EQ(seen.email(), "") << read;
    EXPECT_EQ(seen.phone(), "") << read;
    EXPECT_EQ(seen.demographics().region(), "zhejiang");
    ASSERT_EQ(seen.consents_size(), 1);
    EXPECT_TRUE(seen.consents(0).granted());
    ASSERT_EQ(seen.tags_size(), 1);
  }
  EXPECT_EQ(GetAs(Context(reader_a_), client_id).display_name(), "Li Na");

  pv1::ListClientsRequest list;
  pv1::ListClientsResponse listed;
  ASSERT_TRUE(profile_stub_->ListClients(ServiceContext().get(), list, &listed).ok());
  ASSERT_EQ(listed.clients_size(), 1);
  EXPECT_EQ(listed.clients(0).email(), "");
  EXPECT_EQ(listed.clients(0).display_name(), "");

  pv1::ExportClientsRequest export_request;
  export_request.set_include_interactions(true);
  auto context = ServiceContext();
  auto reader = profile_stub_->ExportClients(context.get(), export_request);
  pv1::ExportClientsResponse item;
  int items = 0;
  while (reader->Read(&item)) {
    ++items;
    EXPECT_EQ(item.client().phone(), "");
    EXPECT_EQ(item.client().display_name(), "");
    ASSERT_EQ(item.interactions_size(), 1);
    EXPECT_EQ(item.interactions(0).detail(), "");
    EXPECT_EQ(item.interactions(0).kind(), pv1::INTERACTION_KIND_EVENT_ATTENDANCE);
  }
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_EQ(items, 1);

  // The same on the paged export, which campaign's SyncMembers reads; the tenant's key there
  // still reads the contacts.
  items = 0;
  for (const bool as_service : {true, false}) {
    auto paged_context = as_service ? ServiceContext() : Context(reader_a_);
    auto pages = profile_stub_->ExportClientPages(paged_context.get(), export_request);
    pv1::ExportClientPage page;
    while (pages->Read(&page)) {
      for (const pv1::ExportClientsResponse& paged : page.clients()) {
        ++items;
        EXPECT_EQ(paged.client().phone(), as_service ? "" : "+86 138 0000 0000");
        EXPECT_EQ(paged.client().email(), as_service ? "" : "li.na@example.com");
        ASSERT_EQ(paged.interactions_size(), 1);
        EXPECT_EQ(paged.interactions(0).detail(), as_service ? "" : "came with her sister");
      }
    }
    EXPECT_TRUE(pages->Finish().ok());
  }
  EXPECT_EQ(items, 2);
}

}  // namespace
}  // namespace clienttier::testing
