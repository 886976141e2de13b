// Issue 18 part 6: what client-profile gives a service key.
#include "services/client-profile/domain/service_view.h"

#include <gtest/gtest.h>

namespace clienttier::profile {
namespace {

v1::Client Person() {
  v1::Client client;
  client.set_client_id("c-1");
  client.set_display_name("Li Na");
  client.set_email("li@example.com");
  client.set_phone("+86 138");
  client.mutable_demographics()->set_region("zhejiang");
  v1::Consent& consent = *client.add_consents();
  consent.set_channel(common::v1::CONTACT_CHANNEL_EMAIL);
  consent.set_granted(true);
  v1::Tag& tag = *client.add_tags();
  tag.set_kind(v1::TAG_KIND_INTEREST);
  tag.set_value("yoga");
  return client;
}

TEST(ServiceViewTest, AServiceGetsWhatItActsOnButNoNameContactOrFreeText) {
  v1::ExportClientsResponse item;
  *item.mutable_client() = Person();
  v1::Interaction& interaction = *item.add_interactions();
  interaction.set_kind(v1::INTERACTION_KIND_EVENT_ATTENDANCE);
  interaction.set_detail("came with her sister Li Mei");
  StripForService(item);
  const v1::Client& client = item.client();
  EXPECT_EQ(client.display_name(), "");
  EXPECT_EQ(client.email(), "");
  EXPECT_EQ(client.phone(), "");
  EXPECT_EQ(item.interactions(0).detail(), "");
  // What services act on stays.
  EXPECT_EQ(client.client_id(), "c-1");
  EXPECT_EQ(client.demographics().region(), "zhejiang");
  ASSERT_EQ(client.consents_size(), 1);
  EXPECT_TRUE(client.consents(0).granted());
  ASSERT_EQ(client.tags_size(), 1);
  EXPECT_EQ(item.interactions(0).kind(), v1::INTERACTION_KIND_EVENT_ATTENDANCE);
}

}  // namespace
}  // namespace clienttier::profile
