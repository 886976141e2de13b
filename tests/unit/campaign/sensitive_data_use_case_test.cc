// Issue 18 part 2: sensitive tags (concerns, and tags a tenant marks) in segment rules,
// previews, exports, launches and next best action, through the use cases over the fakes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/campaign/campaign_world.h"
#include "tests/unit/campaign/campaign_test_data.h"

namespace clienttier::campaign::testing {
namespace {

void AddTag(pv1::Client& client, pv1::TagKind kind, const std::string& value) {
  pv1::Tag& tag = *client.add_tags();
  tag.set_kind(kind);
  tag.set_value(value);
}

void Grant(pv1::Client& client, common::v1::SensitiveDataPurpose purpose) {
  pv1::Consent& consent = *client.add_consents();
  consent.set_purpose(purpose);
  consent.set_granted(true);
}

ErrorKind KindOf(const std::function<void()>& call) {
  try {
    call();
  } catch (const DomainError& error) {
    return error.kind();
  }
  return ErrorKind::kInternal;
}

std::string MessageOf(const std::function<void()>& call) {
  try {
    call();
  } catch (const DomainError& error) {
    return error.what();
  }
  return "";
}

// c-consenting: concern "depression", marketing consent for sensitive data.
// c-silent: concern "depression", no such consent (advice consent only).
// c-interest: "depression" as an interest tag (someone else's concern: sensitive for them too).
// c-yoga: interest "yoga"; every one has email consent.
class SensitiveDataUseCaseTest : public ::testing::Test {
 protected:
  SensitiveDataUseCaseTest() : world_(kStart) {
    pv1::Client consenting = Profile("c-consenting", true);
    AddTag(consenting, pv1::TAG_KIND_CONCERN, "depression");
    Grant(consenting, common::v1::SENSITIVE_DATA_PURPOSE_MARKETING);
    pv1::Client silent = Profile("c-silent", true);
    AddTag(silent, pv1::TAG_KIND_CONCERN, "depression");
    Grant(silent, common::v1::SENSITIVE_DATA_PURPOSE_ADVICE);
    pv1::Client interest = Profile("c-interest", true);
    AddTag(interest, pv1::TAG_KIND_INTEREST, "depression");
    pv1::Client yoga = Profile("c-yoga", true);
    AddTag(yoga, pv1::TAG_KIND_INTEREST, "yoga");
    for (const pv1::Client* client : {&consenting, &silent, &interest, &yoga}) {
      const sv1::Score score = Score(client->client_id(), sv1::TIER_T2, kStart - kDay);
      world_.member_repository.Seed(kTenant, &score, client);
    }
  }

  int64_t PreviewCount(const std::string& rule) {
    return world_.segments.Preview(kTenant, "", rule, 10).members();
  }

  void PutPolicy(const std::vector<std::string>& tags, int segment_consent, int advice_consent) {
    TenantSettings settings = world_.settings.Get(kTenant);
    settings.sensitive.tags = tags;
    settings.sensitive.segment_consent = segment_consent;
    settings.sensitive.advice_consent = advice_consent;
    world_.settings.Put(kTenant, settings, settings.version);
  }

  CampaignWorld world_;
};

TEST_F(SensitiveDataUseCaseTest, ARuleNamingAConcernIsRefusedUntilTheTenantSetsAConsent) {
  const std::string rule = "has_tag(\"depression\") and tier = \"T2\"";
  EXPECT_EQ(KindOf([&] { PreviewCount(rule); }), ErrorKind::kFailedPrecondition);
  const std::string message = MessageOf([&] { PreviewCount(rule); });
  EXPECT_NE(message.find("rule: has_tag(\"depression\")"), std::string::npos) << message;
  EXPECT_NE(message.find("segment_sensitive_consent"), std::string::npos) << message;
  // Saving it as a segment is refused the same way, naming the field.
  EXPECT_EQ(KindOf([&] { world_.segments.Create(kTenant, Segment("sad", rule)); }),
            ErrorKind::kFailedPrecondition);
  EXPECT_NE(MessageOf([&] {
              world_.segments.Create(kTenant, Segment("sad", rule));
            }).find("segment.rule: "),
            std::string::npos);
  // A tag nobody carries as a concern and the tenant did not mark is ordinary.
  EXPECT_EQ(PreviewCount("has_tag(\"yoga\")"), 1);
}

TEST_F(SensitiveDataUseCaseTest, UnderTheConfiguredConsentOnlyConsentingClientsMatch) {
  PutPolicy({}, common::v1::SENSITIVE_DATA_PURPOSE_MARKETING, 0);
  EXPECT_EQ(PreviewCount("has_tag(\"depression\")"), 1);
  EXPECT_EQ(PreviewCount("not has_tag(\"depression\")"), 3);

  // The export sees the same: only the consenting client.
  world_.segments.Create(kTenant, Segment("sad", "has_tag(\"depression\")"));
  std::vector<std::string> exported;
  world_.segments.StreamMembers(kTenant, "sad", "", 100, [&](const v1::SegmentMembersChunk& chunk) {
    for (const v1::MemberSummary& member : chunk.members()) {
      exported.push_back(member.client_id());
    }
    return true;
  });
  EXPECT_EQ(exported, std::vector<std::string>{"c-consenting"});

  // And so does a launched audience.
  world_.campaigns.Create(kTenant, Campaign("reach", "sad", 0, kStart));
  world_.campaigns.Launch(kTenant, "reach");
  EXPECT_EQ(world_.campaign_repository.audience.count({kTenant, "reach", "c-consenting"}), 1U);
  EXPECT_EQ(world_.campaign_repository.audience.count({kTenant, "reach", "c-silent"}), 0U);
  EXPECT_EQ(world_.campaign_repository.audience.count({kTenant, "reach", "c-interest"}), 0U);

  // The purpose the tenant chose decides: with advice chosen, c-silent (who granted advice)
  // matches and c-consenting (marketing) does not.
  PutPolicy({}, common::v1::SENSITIVE_DATA_PURPOSE_ADVICE, 0);
  const v1::SegmentPreview preview =
      world_.segments.Preview(kTenant, "", "has_tag(\"depression\")", 10);
  ASSERT_EQ(preview.members(), 1);
  ASSERT_EQ(preview.sample_size(), 1);
  EXPECT_EQ(preview.sample(0).client_id(), "c-silent");
}

TEST_F(SensitiveDataUseCaseTest, TagsTheTenantMarksAreSensitiveToo) {
  PutPolicy({"yoga"}, 0, 0);
  EXPECT_EQ(KindOf([&] { PreviewCount("has_tag(\"yoga\")"); }), ErrorKind::kFailedPrecondition);
  PutPolicy({"yoga"}, common::v1::SENSITIVE_DATA_PURPOSE_MARKETING, 0);
  EXPECT_EQ(PreviewCount("has_tag(\"yoga\")"), 0);  // c-yoga gave no marketing consent
}

TEST_F(SensitiveDataUseCaseTest, ALaunchRechecksARuleSavedBeforeTheTenantWithdrewItsConsent) {
  PutPolicy({}, common::v1::SENSITIVE_DATA_PURPOSE_MARKETING, 0);
  world_.segments.Create(kTenant, Segment("sad", "has_tag(\"depression\")"));
  world_.campaigns.Create(kTenant, Campaign("reach", "sad", 0, kStart));
  PutPolicy({}, 0, 0);
  EXPECT_EQ(KindOf([&] { world_.campaigns.Launch(kTenant, "reach"); }),
            ErrorKind::kFailedPrecondition);
  EXPECT_TRUE(world_.campaign_repository.audience.empty());
}

TEST_F(SensitiveDataUseCaseTest, AdviceUsesAMarkedInterestOnlyUnderTheAdviceConsent) {
  sv1::Score growing = Score("c-yoga", sv1::TIER_T2, kStart);
  growing.set_lifecycle(sv1::LIFECYCLE_STAGE_GROWTH);
  pv1::Client yoga = Profile("c-yoga", true, common::v1::CONTACT_CHANNEL_EMAIL, 2);
  AddTag(yoga, pv1::TAG_KIND_INTEREST, "yoga");
  AddTag(yoga, pv1::TAG_KIND_CONCERN, "anxiety");
  world_.member_repository.Seed(kTenant, &growing, &yoga);
  world_.upstream.bought["c-yoga"] = {};

  EXPECT_EQ(world_.advice.NextBestActionFor(kTenant, "c-yoga").action(), "cross_sell");
  PutPolicy({"yoga"}, 0, common::v1::SENSITIVE_DATA_PURPOSE_ADVICE);
  // A concern is never a cross-sell reason, the marked interest needs the advice consent.
  EXPECT_NE(world_.advice.NextBestActionFor(kTenant, "c-yoga").action(), "cross_sell");
  Grant(yoga, common::v1::SENSITIVE_DATA_PURPOSE_ADVICE);
  yoga.set_version(3);
  world_.member_repository.Seed(kTenant, &growing, &yoga);
  EXPECT_EQ(world_.advice.NextBestActionFor(kTenant, "c-yoga").action(), "cross_sell");
}

}  // namespace
}  // namespace clienttier::campaign::testing
