#include "services/client-profile/domain/consent_history.h"

#include <gtest/gtest.h>

namespace clienttier::profile {
namespace {

constexpr UnixMicros kNow = 1'700'000'000LL * kMicrosPerSecond;

v1::Client WithConsents(const std::vector<std::pair<common::v1::ContactChannel, bool>>& consents) {
  v1::Client client;
  client.set_client_id("c-1");
  for (const auto& [channel, granted] : consents) {
    v1::Consent& consent = *client.add_consents();
    consent.set_channel(channel);
    consent.set_granted(granted);
  }
  return client;
}

const ConsentAuthor kAuthor{v1::CONSENT_CHANGE_SOURCE_UPDATE_CLIENT, "ab12cd34"};

TEST(ConsentHistoryTest, ANewClientRecordsEveryConsentItCameWith) {
  const auto changes = ConsentChanges(nullptr,
                                      WithConsents({{common::v1::CONTACT_CHANNEL_SMS, false},
                                                    {common::v1::CONTACT_CHANNEL_EMAIL, true}}),
                                      kNow, {v1::CONSENT_CHANGE_SOURCE_CREATE_CLIENT, "ab12cd34"});
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].channel(), common::v1::CONTACT_CHANNEL_EMAIL);  // channel order
  EXPECT_EQ(changes[0].old_state(), v1::CONSENT_STATE_UNSPECIFIED);
  EXPECT_EQ(changes[0].new_state(), v1::CONSENT_STATE_GRANTED);
  EXPECT_EQ(changes[1].channel(), common::v1::CONTACT_CHANNEL_SMS);
  EXPECT_EQ(changes[1].new_state(), v1::CONSENT_STATE_NOT_GRANTED);
  EXPECT_EQ(changes[1].source(), v1::CONSENT_CHANGE_SOURCE_CREATE_CLIENT);
  EXPECT_EQ(changes[1].key_id(), "ab12cd34");
  EXPECT_EQ(FromProtoTimestamp(changes[1].changed_at()), kNow);
}

TEST(ConsentHistoryTest, OnlyChannelsWhoseStateMovedAreRecorded) {
  const v1::Client before = WithConsents(
      {{common::v1::CONTACT_CHANNEL_EMAIL, true}, {common::v1::CONTACT_CHANNEL_SMS, true}});
  const v1::Client after = WithConsents({{common::v1::CONTACT_CHANNEL_EMAIL, true},
                                         {common::v1::CONTACT_CHANNEL_SMS, false},
                                         {common::v1::CONTACT_CHANNEL_POST, true}});
  const auto changes = ConsentChanges(&before, after, kNow, kAuthor);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].channel(), common::v1::CONTACT_CHANNEL_SMS);
  EXPECT_EQ(changes[0].old_state(), v1::CONSENT_STATE_GRANTED);
  EXPECT_EQ(changes[0].new_state(), v1::CONSENT_STATE_NOT_GRANTED);
  EXPECT_EQ(changes[1].channel(), common::v1::CONTACT_CHANNEL_POST);
  EXPECT_EQ(changes[1].old_state(), v1::CONSENT_STATE_UNSPECIFIED);
  EXPECT_TRUE(ConsentChanges(&after, after, kNow, kAuthor).empty());
}

TEST(ConsentHistoryTest, AConsentThatDisappearsIsRecordedAsUnspecified) {
  const v1::Client before = WithConsents({{common::v1::CONTACT_CHANNEL_PUSH, true}});
  const auto changes = ConsentChanges(&before, WithConsents({}), kNow, kAuthor);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].old_state(), v1::CONSENT_STATE_GRANTED);
  EXPECT_EQ(changes[0].new_state(), v1::CONSENT_STATE_UNSPECIFIED);
}

TEST(ConsentHistoryTest, TheErasureEntrySaysOnlyWhenAndByWhichKey) {
  const v1::ConsentChange entry = ErasureEntry(kNow, "ff00ff00");
  v1::ConsentChange expected;
  *expected.mutable_changed_at() = ToProtoTimestamp(kNow);
  expected.set_source(v1::CONSENT_CHANGE_SOURCE_ERASE_CLIENT);
  expected.set_key_id("ff00ff00");
  EXPECT_EQ(entry.SerializeAsString(), expected.SerializeAsString());
}

}  // namespace
}  // namespace clienttier::profile
