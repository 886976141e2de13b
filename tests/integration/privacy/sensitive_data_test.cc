// Issue 18 part 2 on the real services: a concern tag is refused in segment rules until the
// tenant chooses the client consent that allows it, and then matches only the clients who gave
// that consent, following their consent changes through client-profile's events.
#include <gtest/gtest.h>

#include "tests/integration/campaign/campaign_fixture.h"

namespace clienttier::campaign {
namespace {

class SensitiveDataTest : public CampaignFixture {
 protected:
  void CreateCounselled(const std::string& client_id, bool marketing_consent) {
    pv1::CreateClientRequest request;
    pv1::Client& client = *request.mutable_client();
    client.set_client_id(client_id);
    pv1::Consent& email = *client.add_consents();
    email.set_channel(common::v1::CONTACT_CHANNEL_EMAIL);
    email.set_granted(true);
    if (marketing_consent) {
      pv1::Consent& sensitive = *client.add_consents();
      sensitive.set_purpose(common::v1::SENSITIVE_DATA_PURPOSE_MARKETING);
      sensitive.set_granted(true);
    }
    for (const auto& [kind, value] : {std::pair{pv1::TAG_KIND_CONCERN, "depression"},
                                      std::pair{pv1::TAG_KIND_INTEREST, "calm"}}) {
      pv1::Tag& tag = *client.add_tags();
      tag.set_kind(kind);
      tag.set_value(value);
    }
    pv1::Client created;
    const grpc::Status status =
        profile_stub_->CreateClient(Context(writer_a_).get(), request, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  void SetMarketingConsent(const std::string& client_id, bool granted) {
    pv1::GetClientRequest get;
    get.set_client_id(client_id);
    pv1::Client current;
    ASSERT_TRUE(profile_stub_->GetClient(Context(reader_a_).get(), get, &current).ok());
    pv1::UpdateClientRequest update;
    update.mutable_client()->set_client_id(client_id);
    pv1::Consent& consent = *update.mutable_client()->add_consents();
    consent.set_purpose(common::v1::SENSITIVE_DATA_PURPOSE_MARKETING);
    consent.set_granted(granted);
    update.set_expected_version(current.version());
    update.mutable_update_mask()->add_paths("consents");
    pv1::Client updated;
    const grpc::Status status =
        profile_stub_->UpdateClient(Context(writer_a_).get(), update, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status Preview(const std::string& rule, v1::SegmentPreview* preview) {
    v1::PreviewSegmentRequest request;
    request.set_rule(rule);
    request.set_sample_size(10);
    return stub_->PreviewSegment(Context(reader_a_).get(), request, preview);
  }
};

TEST_F(SensitiveDataTest, AConcernIsRefusedThenMatchesOnlyClientsWithTheChosenConsent) {
  const std::string with = "sd-with-" + suffix_;
  const std::string without = "sd-without-" + suffix_;
  CreateCounselled(with, true);
  CreateCounselled(without, false);
  WaitForPreview("has_tag(\"calm\")", reader_a_,
                 [](const v1::SegmentPreview& seen) { return seen.members() == 2; });

  // No consent chosen by the tenant: refused, naming the field, the tag and the rule.
  const std::string rule = "has_tag(\"depression\") and has_tag(\"calm\")";
  v1::SegmentPreview preview;
  grpc::Status status = Preview(rule, &preview);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("rule: has_tag(\"depression\") in rule"), std::string::npos)
      << status.error_message();
  v1::CreateSegmentRequest create;
  create.mutable_segment()->set_segment_id("sd-" + suffix_);
  create.mutable_segment()->set_name("concern");
  create.mutable_segment()->set_rule(rule);
  v1::Segment segment;
  status = stub_->CreateSegment(Context(writer_a_).get(), create, &segment);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("segment.rule: "), std::string::npos);

  // The tenant chooses the marketing consent; the settings keep it.
  v1::PutCampaignSettingsRequest put;
  put.mutable_settings()->set_currency("CNY");
  put.mutable_settings()->set_segment_sensitive_consent(
      common::v1::SENSITIVE_DATA_PURPOSE_MARKETING);
  put.mutable_settings()->add_sensitive_tags("calm");
  v1::CampaignSettings saved;
  status = stub_->PutCampaignSettings(Context(admin_a_).get(), put, &saved);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::CampaignSettings read;
  ASSERT_TRUE(stub_->GetCampaignSettings(Context(reader_a_).get(), {}, &read).ok());
  EXPECT_EQ(read.segment_sensitive_consent(), common::v1::SENSITIVE_DATA_PURPOSE_MARKETING);
  ASSERT_EQ(read.sensitive_tags_size(), 1);
  EXPECT_EQ(read.sensitive_tags(0), "calm");

  status = Preview(rule, &preview);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(preview.members(), 1);
  EXPECT_EQ(preview.sample(0).client_id(), with);
  ASSERT_TRUE(stub_->CreateSegment(Context(writer_a_).get(), create, &segment).ok());

  // Consents change in client-profile and campaign follows its events.
  SetMarketingConsent(without, true);
  WaitForPreview(rule, reader_a_,
                 [](const v1::SegmentPreview& seen) { return seen.members() == 2; });
  SetMarketingConsent(with, false);
  preview = WaitForPreview(rule, reader_a_,
                           [](const v1::SegmentPreview& seen) { return seen.members() == 1; });
  ASSERT_EQ(preview.sample_size(), 1);
  EXPECT_EQ(preview.sample(0).client_id(), without);

  // The consent history names the purpose, stored and read back from MySQL.
  pv1::ListConsentHistoryRequest history_request;
  history_request.set_client_id(with);
  pv1::ListConsentHistoryResponse history;
  ASSERT_TRUE(
      profile_stub_->ListConsentHistory(Context(reader_a_).get(), history_request, &history).ok());
  ASSERT_EQ(history.changes_size(), 3);  // email and marketing at creation, the withdrawal
  EXPECT_EQ(history.changes(2).purpose(), common::v1::SENSITIVE_DATA_PURPOSE_MARKETING);
  EXPECT_EQ(history.changes(2).channel(), common::v1::CONTACT_CHANNEL_UNSPECIFIED);
  EXPECT_EQ(history.changes(2).old_state(), pv1::CONSENT_STATE_GRANTED);
  EXPECT_EQ(history.changes(2).new_state(), pv1::CONSENT_STATE_NOT_GRANTED);
}

}  // namespace
}  // namespace clienttier::campaign
