// Issue 18 part 2, the pure parts: which tags a rule names are sensitive, how has_tag treats
// them, and how a member keeps its concern tags and sensitive-data consents apart.
#include "services/campaign/domain/sensitive_data.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/campaign/domain/member_mapping.h"
#include "services/campaign/domain/segment_parser.h"

namespace clienttier::campaign {
namespace {

namespace pv1 = ::clienttier::profile::v1;

SegmentRule Parse(const std::string& text) {
  SegmentContext context;
  context.currency = "CNY";
  context.today = 20'000;
  SegmentResult<SegmentRule> parsed = ParseSegmentRule(text, context);
  EXPECT_TRUE(parsed.ok()) << text;
  return parsed.value();
}

SegmentMember Member(std::vector<std::string> tags, std::vector<std::string> concerns,
                     uint8_t consents) {
  SegmentMember member;
  member.tags = std::move(tags);
  member.concern_tags = std::move(concerns);
  member.sensitive_consents = consents;
  return member;
}

TEST(SensitiveDataTest, ATagIsSensitiveWhenMarkedOrAnyonesConcern) {
  const SegmentRule rule =
      Parse("has_tag(\"yoga\") or has_tag(\"anxiety\") or not has_tag(\"pottery\")");
  SensitiveDataPolicy policy;
  EXPECT_TRUE(SensitiveTagsNamed(rule, policy, {}).empty());
  const std::vector<SegmentMember> members = {Member({"pottery"}, {}, 0),
                                              Member({}, {"anxiety"}, 0)};
  EXPECT_EQ(SensitiveTagsNamed(rule, policy, members), std::vector<std::string>{"anxiety"});
  policy.tags = {"pottery", "yoga"};
  EXPECT_EQ(SensitiveTagsNamed(rule, policy, members),
            (std::vector<std::string>{"anxiety", "pottery", "yoga"}));
}

TEST(SensitiveDataTest, ASensitiveHasTagHoldsOnlyUnderTheChosenConsent) {
  SensitiveDataPolicy policy;
  policy.segment_consent = common::v1::SENSITIVE_DATA_PURPOSE_MARKETING;
  const SegmentRule rule = Parse("has_tag(\"anxiety\")");
  const uint8_t marketing = ConsentMask(common::v1::SENSITIVE_DATA_PURPOSE_MARKETING);
  const uint8_t advice = ConsentMask(common::v1::SENSITIVE_DATA_PURPOSE_ADVICE);
  const SegmentProgram gated = SegmentProgram::Compile(rule, SegmentGate({"anxiety"}, policy));
  EXPECT_TRUE(gated.Matches(Member({}, {"anxiety"}, marketing)));
  EXPECT_FALSE(gated.Matches(Member({}, {"anxiety"}, advice)));
  EXPECT_FALSE(gated.Matches(Member({}, {"anxiety"}, 0)));
  // The same value as an interest is sensitive too once it is anyone's concern.
  EXPECT_TRUE(gated.Matches(Member({"anxiety"}, {}, marketing)));
  EXPECT_FALSE(gated.Matches(Member({"anxiety"}, {}, 0)));

  // Without a gate (as for a tag no one has as a concern), concern tags are invisible.
  const SegmentProgram plain = SegmentProgram::Compile(rule);
  EXPECT_FALSE(plain.Matches(Member({}, {"anxiety"}, marketing)));
  EXPECT_TRUE(plain.Matches(Member({"anxiety"}, {}, 0)));

  // With no consent chosen (mask 0) a sensitive tag matches nobody.
  const SegmentProgram closed =
      SegmentProgram::Compile(rule, SegmentGate({"anxiety"}, SensitiveDataPolicy{}));
  EXPECT_FALSE(closed.Matches(Member({}, {"anxiety"}, 0xFF)));
}

TEST(SensitiveDataTest, AMemberKeepsConcernTagsAndPurposeConsentsApart) {
  pv1::Client client;
  client.set_client_id("c-1");
  for (const auto& [kind, value] :
       {std::pair{pv1::TAG_KIND_CONCERN, "depression"}, std::pair{pv1::TAG_KIND_INTEREST, "yoga"},
        std::pair{pv1::TAG_KIND_CONCERN, "anxiety"}}) {
    pv1::Tag& tag = *client.add_tags();
    tag.set_kind(kind);
    tag.set_value(value);
  }
  pv1::Consent& marketing = *client.add_consents();
  marketing.set_purpose(common::v1::SENSITIVE_DATA_PURPOSE_MARKETING);
  marketing.set_granted(true);
  pv1::Consent& advice = *client.add_consents();
  advice.set_purpose(common::v1::SENSITIVE_DATA_PURPOSE_ADVICE);
  advice.set_granted(false);
  pv1::Consent& email = *client.add_consents();
  email.set_channel(common::v1::CONTACT_CHANNEL_EMAIL);
  email.set_granted(true);

  const SegmentMember member = ToSegmentMember("c-1", nullptr, &client);
  EXPECT_EQ(member.tags, std::vector<std::string>{"yoga"});
  EXPECT_EQ(member.concern_tags, (std::vector<std::string>{"anxiety", "depression"}));
  EXPECT_EQ(member.sensitive_consents, ConsentMask(common::v1::SENSITIVE_DATA_PURPOSE_MARKETING));
  // A purpose consent is no channel's marketing consent.
  const ConsentBits channels = ToConsentBits(client);
  EXPECT_TRUE(channels.Granted(Channel::kEmail));
  EXPECT_EQ(channels.recorded, 1U << static_cast<int>(Channel::kEmail));
}

TEST(SensitiveDataTest, AdviceUsesAMarkedTagOnlyUnderTheAdviceConsent) {
  SensitiveDataPolicy policy;
  policy.tags = {"yoga"};
  EXPECT_TRUE(AdviceMayUseTag("pottery", 0, policy));
  EXPECT_FALSE(AdviceMayUseTag("yoga", 0xFF, policy));  // no advice consent chosen
  policy.advice_consent = common::v1::SENSITIVE_DATA_PURPOSE_ADVICE;
  EXPECT_FALSE(
      AdviceMayUseTag("yoga", ConsentMask(common::v1::SENSITIVE_DATA_PURPOSE_MARKETING), policy));
  EXPECT_TRUE(
      AdviceMayUseTag("yoga", ConsentMask(common::v1::SENSITIVE_DATA_PURPOSE_ADVICE), policy));
}

}  // namespace
}  // namespace clienttier::campaign
