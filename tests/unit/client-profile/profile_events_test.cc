// What client-profile's events may carry (issue 18 part 1): ids, changed field names and coded
// attributes, never a name, an email, a phone or free text.
#include <gtest/gtest.h>

#include "services/client-profile/domain/profile_events.h"

namespace clienttier::profile {
namespace {

namespace v1 = ::clienttier::profile::v1;

v1::Client PersonWithContacts() {
  v1::Client client;
  client.set_client_id("c-1");
  client.set_version(3);
  client.set_display_name("Li Na");
  client.set_email("li.na@example.com");
  client.set_phone("+86 139 0000 0000");
  client.mutable_demographics()->set_region("zhejiang");
  client.mutable_demographics()->set_age_band(v1::AGE_BAND_25_34);
  auto& consent = *client.add_consents();
  consent.set_channel(common::v1::CONTACT_CHANNEL_EMAIL);
  consent.set_granted(true);
  auto& tag = *client.add_tags();
  tag.set_kind(v1::TAG_KIND_INTEREST);
  tag.set_value("parenting");
  client.mutable_acquisition()->set_channel("search_ads");
  return client;
}

// What consumers use of a client survives: campaign segments on these.
void ExpectAttributesKept(const v1::Client& client) {
  EXPECT_EQ(client.client_id(), "c-1");
  EXPECT_EQ(client.version(), 3);
  EXPECT_EQ(client.demographics().region(), "zhejiang");
  EXPECT_EQ(client.demographics().age_band(), v1::AGE_BAND_25_34);
  ASSERT_EQ(client.consents_size(), 1);
  EXPECT_TRUE(client.consents(0).granted());
  ASSERT_EQ(client.tags_size(), 1);
  EXPECT_EQ(client.tags(0).value(), "parenting");
  EXPECT_EQ(client.acquisition().channel(), "search_ads");
}

void ExpectNoContacts(const v1::Client& client) {
  EXPECT_EQ(client.display_name(), "");
  EXPECT_EQ(client.email(), "");
  EXPECT_EQ(client.phone(), "");
}

TEST(ProfileEventsTest, CreatedEventCarriesNoNameEmailOrPhone) {
  v1::ProfileEvent event;
  *event.mutable_client_created()->mutable_client() = PersonWithContacts();
  const OutboxEvent outbox = MakeOutboxEvent("t-1", 1000, event);
  EXPECT_EQ(outbox.type, "client_created");
  EXPECT_EQ(outbox.payload.find("Li Na"), std::string::npos);
  EXPECT_EQ(outbox.payload.find("li.na@example.com"), std::string::npos);
  EXPECT_EQ(outbox.payload.find("+86 139 0000 0000"), std::string::npos);
  v1::ProfileEvent published;
  ASSERT_TRUE(published.ParseFromString(outbox.payload));
  ExpectNoContacts(published.client_created().client());
  ExpectAttributesKept(published.client_created().client());
}

TEST(ProfileEventsTest, UpdatedEventNamesChangedFieldsButCarriesNoContactValues) {
  v1::ProfileEvent event;
  *event.mutable_client_updated()->mutable_client() = PersonWithContacts();
  event.mutable_client_updated()->add_changed_fields("email");
  event.mutable_client_updated()->add_changed_fields("tags");
  StripPersonalData(event);
  ExpectNoContacts(event.client_updated().client());
  ExpectAttributesKept(event.client_updated().client());
  ASSERT_EQ(event.client_updated().changed_fields_size(), 2);
  EXPECT_EQ(event.client_updated().changed_fields(0), "email");
}

TEST(ProfileEventsTest, InteractionEventDropsFreeTextDetailOnly) {
  v1::ProfileEvent event;
  auto& interaction = *event.mutable_interaction_recorded()->mutable_interaction();
  interaction.set_interaction_id("i-1");
  interaction.set_client_id("c-1");
  interaction.set_kind(v1::INTERACTION_KIND_SHARE);
  interaction.set_detail("shared with my sister Li Mei");
  const OutboxEvent outbox = MakeOutboxEvent("t-1", 1000, event);
  v1::ProfileEvent published;
  ASSERT_TRUE(published.ParseFromString(outbox.payload));
  EXPECT_EQ(published.interaction_recorded().interaction().detail(), "");
  EXPECT_EQ(published.interaction_recorded().interaction().client_id(), "c-1");
  EXPECT_EQ(published.interaction_recorded().interaction().kind(), v1::INTERACTION_KIND_SHARE);
}

TEST(ProfileEventsTest, InteractionsEventDropsEveryFreeTextDetailOnly) {
  v1::ProfileEvent event;
  auto& recorded = *event.mutable_interactions_recorded();
  recorded.set_client_id("c-1");
  for (const char* detail : {"", "met Li Mei at the clinic", "call back on 555-0100"}) {
    auto& interaction = *recorded.add_interactions();
    interaction.set_client_id("c-1");
    interaction.set_kind(v1::INTERACTION_KIND_EVENT_ATTENDANCE);
    interaction.set_detail(detail);
  }
  const OutboxEvent outbox = MakeOutboxEvent("t-1", 1000, event);
  EXPECT_EQ(outbox.type, "interactions_recorded");
  v1::ProfileEvent published;
  ASSERT_TRUE(published.ParseFromString(outbox.payload));
  ASSERT_EQ(published.interactions_recorded().interactions_size(), 3);
  EXPECT_EQ(published.interactions_recorded().client_id(), "c-1");
  for (const auto& interaction : published.interactions_recorded().interactions()) {
    EXPECT_EQ(interaction.detail(), "");
    EXPECT_EQ(interaction.kind(), v1::INTERACTION_KIND_EVENT_ATTENDANCE);
  }
  EXPECT_EQ(outbox.payload.find("Li Mei"), std::string::npos);
  EXPECT_EQ(outbox.payload.find("555-0100"), std::string::npos);
}

TEST(ProfileEventsTest, TransactionsEventIsPublishedWhole) {
  v1::ProfileEvent event;
  auto& recorded = *event.mutable_transactions_recorded();
  recorded.set_client_id("c-1");
  for (int64_t units : {48000, -12000}) {
    auto& transaction = *recorded.add_transactions();
    transaction.set_client_id("c-1");
    transaction.set_category("workshop");
    transaction.mutable_amount()->set_units(units);
  }
  const OutboxEvent outbox = MakeOutboxEvent("t-1", 1000, event);
  EXPECT_EQ(outbox.type, "transactions_recorded");
  v1::ProfileEvent published;
  ASSERT_TRUE(published.ParseFromString(outbox.payload));
  ASSERT_EQ(published.transactions_recorded().transactions_size(), 2);
  EXPECT_EQ(published.transactions_recorded().transactions(1).amount().units(), -12000);
  EXPECT_EQ(published.transactions_recorded().transactions(0).category(), "workshop");
}

TEST(ProfileEventsTest, TransactionAndErasureEventsAreUnchanged) {
  v1::ProfileEvent event;
  auto& transaction = *event.mutable_transaction_recorded()->mutable_transaction();
  transaction.set_client_id("c-1");
  transaction.set_category("workshop");
  transaction.mutable_amount()->set_units(48000);
  v1::ProfileEvent stripped = event;
  StripPersonalData(stripped);
  EXPECT_EQ(stripped.SerializeAsString(), event.SerializeAsString());

  v1::ProfileEvent erased;
  erased.mutable_client_erased()->set_client_id("c-1");
  stripped = erased;
  StripPersonalData(stripped);
  EXPECT_EQ(stripped.client_erased().client_id(), "c-1");
}

}  // namespace
}  // namespace clienttier::profile
