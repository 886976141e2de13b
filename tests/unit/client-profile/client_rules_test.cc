#include "services/client-profile/domain/client_rules.h"
#include "services/client-profile/domain/record_settings.h"

#include <gtest/gtest.h>

#include "common/errors/domain_error.h"

namespace clienttier::profile {
namespace {

constexpr UnixMicros kNow = 1'700'000'000LL * kMicrosPerSecond;

v1::Client ValidClient() {
  v1::Client client;
  client.set_client_id("c-1");
  client.set_display_name("Li Na");
  client.set_email("li@example.com");
  client.set_phone("+86 138-0000-0000");
  client.mutable_demographics()->set_city_tier(v1::CITY_TIER_1);
  auto* consent = client.add_consents();
  consent->set_channel(common::v1::CONTACT_CHANNEL_EMAIL);
  consent->set_granted(true);
  auto* tag = client.add_tags();
  tag->set_kind(v1::TAG_KIND_INTEREST);
  tag->set_value("parenting");
  client.mutable_acquisition()->set_channel("search_ads");
  client.mutable_acquisition()->mutable_cost()->set_units(12000);
  client.mutable_acquisition()->mutable_cost()->set_currency("CNY");
  return client;
}

std::string InvalidMessage(const v1::Client& client) {
  try {
    ValidateClient(client, "client", kNow);
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kInvalid);
    return error.what();
  }
  return "";
}

TEST(ClientRulesTest, AcceptsAValidClient) { EXPECT_EQ(InvalidMessage(ValidClient()), ""); }

TEST(ClientRulesTest, NamesTheFieldOfEachViolation) {
  v1::Client client = ValidClient();
  client.set_client_id("");
  EXPECT_EQ(InvalidMessage(client), "client.client_id: required");

  client = ValidClient();
  client.set_email("no-at-sign");
  EXPECT_EQ(InvalidMessage(client), "client.email: must look like name@domain");

  client = ValidClient();
  client.mutable_demographics()->set_gender(static_cast<v1::Gender>(42));
  EXPECT_EQ(InvalidMessage(client), "client.demographics.gender: unknown value 42");

  client = ValidClient();
  client.add_consents()->set_channel(common::v1::CONTACT_CHANNEL_EMAIL);
  EXPECT_EQ(InvalidMessage(client), "client.consents[1].channel: listed twice");

  client = ValidClient();
  client.mutable_acquisition()->mutable_cost()->set_units(-5);
  EXPECT_EQ(InvalidMessage(client),
            "client.acquisition.cost.units: must be from 0 to 1000000000000");

  client = ValidClient();
  client.set_display_name(std::string(129, 'x'));
  EXPECT_EQ(InvalidMessage(client), "client.display_name: must be at most 128 bytes");

  client = ValidClient();
  for (int i = 0; i < 65; ++i) {
    auto* tag = client.add_tags();
    tag->set_kind(v1::TAG_KIND_CONCERN);
    tag->set_value("t" + std::to_string(i));
  }
  EXPECT_EQ(InvalidMessage(client), "client.tags: at most 64 tags");
}

// Issue 17 part 1: when the organisation acquired the client, older than any record allowed.
TEST(ClientRulesTest, AcquiredAtFrom1900ToADayAfterNow) {
  v1::Client client = ValidClient();
  *client.mutable_acquisition()->mutable_acquired_at() =
      ToProtoTimestamp(kDefaultEarliestRecord - 365 * kMicrosPerDay);  // 1989: before the floor
  EXPECT_EQ(InvalidMessage(client), "");
  *client.mutable_acquisition()->mutable_acquired_at() = ToProtoTimestamp(kNow + kMicrosPerDay);
  EXPECT_EQ(InvalidMessage(client), "");
  *client.mutable_acquisition()->mutable_acquired_at() = ToProtoTimestamp(kNow + 2 * kMicrosPerDay);
  EXPECT_EQ(InvalidMessage(client).rfind("client.acquisition.acquired_at: ", 0), 0U);
  *client.mutable_acquisition()->mutable_acquired_at() =
      ToProtoTimestamp(kOldestEarliestRecord - kMicrosPerSecond);
  EXPECT_EQ(InvalidMessage(client).rfind("client.acquisition.acquired_at: ", 0), 0U);
}

TEST(ClientRulesTest, NewClientSetsOutputFieldsAndDedupesTags) {
  v1::Client input = ValidClient();
  *input.add_tags() = input.tags(0);
  input.set_version(99);
  input.set_erased(true);
  const v1::Client client = NewClient(input, kNow);
  EXPECT_EQ(client.version(), 1);
  EXPECT_FALSE(client.erased());
  EXPECT_EQ(FromProtoTimestamp(client.created_at()), kNow);
  EXPECT_EQ(FromProtoTimestamp(client.consents(0).updated_at()), kNow);
  EXPECT_EQ(client.tags_size(), 1);
}

TEST(ClientRulesTest, UpdateAppliesOnlyTheMask) {
  const v1::Client current = NewClient(ValidClient(), kNow);
  v1::Client patch;
  patch.set_display_name("New Name");
  patch.set_email("changed@example.com");
  google::protobuf::FieldMask mask;
  mask.add_paths("display_name");
  const v1::Client next = ApplyUpdate(current, patch, mask, kNow + 10);
  EXPECT_EQ(next.display_name(), "New Name");
  EXPECT_EQ(next.email(), "li@example.com");
  EXPECT_EQ(next.version(), 2);
  EXPECT_EQ(FromProtoTimestamp(next.updated_at()), kNow + 10);
}

TEST(ClientRulesTest, ConsentTimestampMovesOnlyWhenGrantedChanges) {
  const v1::Client current = NewClient(ValidClient(), kNow);
  google::protobuf::FieldMask mask;
  mask.add_paths("consents");
  v1::Client patch;
  auto* same = patch.add_consents();
  same->set_channel(common::v1::CONTACT_CHANNEL_EMAIL);
  same->set_granted(true);
  auto* added = patch.add_consents();
  added->set_channel(common::v1::CONTACT_CHANNEL_SMS);
  added->set_granted(false);
  v1::Client next = ApplyUpdate(current, patch, mask, kNow + 5);
  ASSERT_EQ(next.consents_size(), 2);
  EXPECT_EQ(FromProtoTimestamp(next.consents(0).updated_at()), kNow);  // EMAIL unchanged
  EXPECT_EQ(FromProtoTimestamp(next.consents(1).updated_at()), kNow + 5);

  patch.mutable_consents(0)->set_granted(false);  // withdraw EMAIL
  next = ApplyUpdate(next, patch, mask, kNow + 9);
  EXPECT_FALSE(next.consents(0).granted());
  EXPECT_EQ(FromProtoTimestamp(next.consents(0).updated_at()), kNow + 9);
}

TEST(ClientRulesTest, UpdateRequestValidation) {
  v1::UpdateClientRequest request;
  request.mutable_client()->set_client_id("c-1");
  request.set_expected_version(1);
  EXPECT_THROW(ValidateUpdate(request, kNow), DomainError);  // empty mask
  request.mutable_update_mask()->add_paths("version");
  try {
    ValidateUpdate(request, kNow);
    FAIL();
  } catch (const DomainError& error) {
    EXPECT_STREQ(error.what(), "update_mask: unknown or read-only path 'version'");
  }
  request.mutable_update_mask()->set_paths(0, "email");
  EXPECT_NO_THROW(ValidateUpdate(request, kNow));
  request.set_expected_version(0);
  EXPECT_THROW(ValidateUpdate(request, kNow), DomainError);
}

TEST(ClientRulesTest, ErasureKeepsNoPersonalData) {
  const v1::Client current = NewClient(ValidClient(), kNow);
  const v1::Client tombstone = ErasedClient(current, kNow + 1);
  EXPECT_TRUE(tombstone.erased());
  EXPECT_EQ(tombstone.client_id(), "c-1");
  EXPECT_EQ(tombstone.version(), 2);
  EXPECT_TRUE(tombstone.display_name().empty());
  EXPECT_TRUE(tombstone.email().empty());
  EXPECT_TRUE(tombstone.phone().empty());
  EXPECT_EQ(tombstone.consents_size(), 0);
  EXPECT_EQ(tombstone.tags_size(), 0);
  EXPECT_FALSE(tombstone.has_demographics());
  EXPECT_EQ(tombstone.acquisition().channel(), "search_ads");
  EXPECT_EQ(FromProtoTimestamp(tombstone.erased_at()), kNow + 1);
}

}  // namespace
}  // namespace clienttier::profile
