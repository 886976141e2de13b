// Issue 18 part 2: consents to the use of sensitive data, one per purpose, beside the channels'
// marketing consents: validation, upsert and their history.
#include <gtest/gtest.h>

#include <string>

#include "common/errors/domain_error.h"
#include "services/client-profile/domain/client_rules.h"
#include "services/client-profile/domain/consent_history.h"

namespace clienttier::profile {
namespace {

constexpr UnixMicros kNow = 1'700'000'000LL * kMicrosPerSecond;

v1::Consent* AddPurpose(v1::Client& client, common::v1::SensitiveDataPurpose purpose,
                        bool granted) {
  v1::Consent* consent = client.add_consents();
  consent->set_purpose(purpose);
  consent->set_granted(granted);
  return consent;
}

v1::Client ClientWithEmailConsent() {
  v1::Client client;
  client.set_client_id("c-1");
  v1::Consent* email = client.add_consents();
  email->set_channel(common::v1::CONTACT_CHANNEL_EMAIL);
  email->set_granted(true);
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

TEST(SensitiveConsentTest, APurposeConsentIsValidBesideChannelsButNotBoth) {
  v1::Client client = ClientWithEmailConsent();
  AddPurpose(client, common::v1::SENSITIVE_DATA_PURPOSE_MARKETING, true);
  EXPECT_EQ(InvalidMessage(client), "");

  v1::Client both = ClientWithEmailConsent();
  AddPurpose(both, common::v1::SENSITIVE_DATA_PURPOSE_MARKETING, true)
      ->set_channel(common::v1::CONTACT_CHANNEL_SMS);
  EXPECT_EQ(InvalidMessage(both), "client.consents[1]: set channel or purpose, not both");

  v1::Client twice = ClientWithEmailConsent();
  AddPurpose(twice, common::v1::SENSITIVE_DATA_PURPOSE_SCORING, true);
  AddPurpose(twice, common::v1::SENSITIVE_DATA_PURPOSE_SCORING, false);
  EXPECT_EQ(InvalidMessage(twice), "client.consents[2].purpose: listed twice");

  v1::Client unknown = ClientWithEmailConsent();
  AddPurpose(unknown, static_cast<common::v1::SensitiveDataPurpose>(42), true);
  EXPECT_NE(InvalidMessage(unknown).find("client.consents[1].purpose"), std::string::npos);

  v1::Client neither = ClientWithEmailConsent();
  neither.add_consents()->set_granted(true);
  EXPECT_NE(InvalidMessage(neither).find("client.consents[1].channel"), std::string::npos);
}

TEST(SensitiveConsentTest, UpdatingAPurposeLeavesTheChannelOfTheSameNumberAlone) {
  // SENSITIVE_DATA_PURPOSE_SCORING and CONTACT_CHANNEL_EMAIL are both 1: still two consents.
  const v1::Client current = NewClient(ClientWithEmailConsent(), kNow);
  v1::Client patch;
  patch.set_client_id("c-1");
  AddPurpose(patch, common::v1::SENSITIVE_DATA_PURPOSE_SCORING, true);
  google::protobuf::FieldMask mask;
  mask.add_paths("consents");
  const v1::Client next = ApplyUpdate(current, patch, mask, kNow + 7);
  ASSERT_EQ(next.consents_size(), 2);
  EXPECT_EQ(next.consents(0).channel(), common::v1::CONTACT_CHANNEL_EMAIL);
  EXPECT_TRUE(next.consents(0).granted());
  EXPECT_EQ(FromProtoTimestamp(next.consents(0).updated_at()), kNow);
  EXPECT_EQ(next.consents(1).purpose(), common::v1::SENSITIVE_DATA_PURPOSE_SCORING);
  EXPECT_EQ(next.consents(1).channel(), common::v1::CONTACT_CHANNEL_UNSPECIFIED);
  EXPECT_EQ(FromProtoTimestamp(next.consents(1).updated_at()), kNow + 7);

  // Withdrawing it changes that one only.
  patch.mutable_consents(0)->set_granted(false);
  const v1::Client withdrawn = ApplyUpdate(next, patch, mask, kNow + 9);
  ASSERT_EQ(withdrawn.consents_size(), 2);
  EXPECT_TRUE(withdrawn.consents(0).granted());
  EXPECT_FALSE(withdrawn.consents(1).granted());
}

TEST(SensitiveConsentTest, TheHistoryNamesThePurposeThatChanged) {
  const v1::Client before = ClientWithEmailConsent();
  v1::Client after = ClientWithEmailConsent();
  AddPurpose(after, common::v1::SENSITIVE_DATA_PURPOSE_MARKETING, true);
  const auto changes =
      ConsentChanges(&before, after, kNow, {v1::CONSENT_CHANGE_SOURCE_UPDATE_CLIENT, "ab12cd34"});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].purpose(), common::v1::SENSITIVE_DATA_PURPOSE_MARKETING);
  EXPECT_EQ(changes[0].channel(), common::v1::CONTACT_CHANNEL_UNSPECIFIED);
  EXPECT_EQ(changes[0].old_state(), v1::CONSENT_STATE_UNSPECIFIED);
  EXPECT_EQ(changes[0].new_state(), v1::CONSENT_STATE_GRANTED);
}

}  // namespace
}  // namespace clienttier::profile
