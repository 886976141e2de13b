#include "services/campaign/domain/member_mapping.h"

#include <gtest/gtest.h>

#include "services/campaign/domain/segment_parser.h"
#include "services/campaign/domain/segment_program.h"

namespace clienttier::campaign {
namespace {

namespace pv1 = ::clienttier::profile::v1;
namespace sv1 = ::clienttier::scoring::v1;

sv1::Score ScoreOfAGrowingClient() {
  sv1::Score score;
  score.set_client_id("c-1");
  score.set_score(71.5);
  score.set_tier(sv1::TIER_T2);
  score.set_lifecycle(sv1::LIFECYCLE_STAGE_GROWTH);
  score.set_quadrant(sv1::QUADRANT_QUESTION);
  score.set_propagation_tier(sv1::PROPAGATION_TIER_CONTRIBUTOR);
  score.set_churn_warning(true);
  sv1::Rfm& rfm = *score.mutable_rfm();
  rfm.set_recency_days(12);
  rfm.set_frequency(4);
  rfm.mutable_monetary()->set_units(480000);
  rfm.mutable_monetary()->set_currency("CNY");
  rfm.set_r_score(5);
  rfm.set_f_score(4);
  rfm.set_m_score(3);
  rfm.set_cell("543");
  rfm.set_segment("potential_loyalist");
  score.mutable_clv()->mutable_clv()->set_units(900000);
  score.mutable_clv()->mutable_clv()->set_currency("CNY");
  score.mutable_clv()->set_p_alive(0.82);
  score.mutable_windows()->set_purchases_90d(3);
  score.mutable_windows()->mutable_spend_365d()->set_units(480000);
  score.mutable_windows()->set_days_since_login(-1);
  score.set_lifetime_purchases(4);
  score.mutable_lifetime_spend()->set_units(480000);
  score.mutable_lifetime_spend()->set_currency("CNY");
  return score;
}

pv1::Client ProfileWithConsents() {
  pv1::Client client;
  client.set_client_id("c-1");
  client.set_display_name("Ann");
  client.set_email("ann@example.org");
  client.set_phone("+86 10 1234");
  client.mutable_demographics()->set_region("Beijing");
  client.mutable_demographics()->set_city_tier(pv1::CITY_TIER_1);
  client.mutable_demographics()->set_age_band(pv1::AGE_BAND_25_34);
  client.mutable_acquisition()->set_channel("referral");
  for (const char* tag : {"parenting", "career", "parenting"}) {
    pv1::Tag& out = *client.add_tags();
    out.set_kind(pv1::TAG_KIND_INTEREST);
    out.set_value(tag);
  }
  pv1::Consent& email = *client.add_consents();
  email.set_channel(common::v1::CONTACT_CHANNEL_EMAIL);
  email.set_granted(true);
  pv1::Consent& sms = *client.add_consents();
  sms.set_channel(common::v1::CONTACT_CHANNEL_SMS);
  sms.set_granted(false);
  return client;
}

bool Matches(const std::string& rule, const SegmentMember& member) {
  SegmentContext context;
  context.currency = "CNY";
  auto parsed = ParseSegmentRule(rule, context);
  EXPECT_TRUE(parsed.ok()) << rule << ": " << parsed.error().ToString();
  return parsed.ok() && SegmentProgram::Compile(parsed.value()).Matches(member);
}

TEST(MemberMapping, EveryScoreFieldReachesTheRulesThatNameIt) {
  const sv1::Score score = ScoreOfAGrowingClient();
  const SegmentMember member = ToSegmentMember("c-1", &score, nullptr);
  EXPECT_TRUE(
      Matches("tier = \"T2\" and lifecycle = \"growth\" and quadrant = \"question\"", member));
  EXPECT_TRUE(Matches("rfm_cell = \"543\" and rfm_segment = \"potential_loyalist\"", member));
  EXPECT_TRUE(Matches("recency_days = 12 and frequency = 4 and monetary = 4800", member));
  EXPECT_TRUE(
      Matches("clv_12m >= 9000 and clv_12m < 9000.01 and p_alive between 0.8 and 0.9", member));
  EXPECT_TRUE(Matches("purchases_90d = 3 and spend_365d = 4800 and days_since_login = -1", member));
  EXPECT_TRUE(Matches("propagation_tier = \"contributor\" and churn_warning = true", member));
  EXPECT_FALSE(Matches("tier = \"T1\"", member));
  EXPECT_EQ(member.currency[0], 'C');
}

TEST(MemberMapping, ProfileFieldsAndTagsReachTheRulesWithoutContactDetails) {
  const pv1::Client kept = WithoutContactDetails(ProfileWithConsents());
  EXPECT_TRUE(kept.display_name().empty());
  EXPECT_TRUE(kept.email().empty());
  EXPECT_TRUE(kept.phone().empty());
  const SegmentMember member = ToSegmentMember("c-1", nullptr, &kept);
  EXPECT_TRUE(Matches("region = \"beijing\" and city_tier = 1 and age_band = \"25_34\"", member));
  EXPECT_TRUE(Matches("acquisition_channel = \"referral\" and has_tag(\"career\")", member));
  EXPECT_EQ(member.tags, (std::vector<std::string>{"career", "parenting"}));
  // Without a score, score fields are unknown, not zero-valued facts.
  EXPECT_TRUE(Matches("tier = \"unspecified\"", member));
}

TEST(MemberMapping, ConsentKeepsGrantedWithdrawnAndNeverAskedApart) {
  const ConsentBits bits = ToConsentBits(ProfileWithConsents());
  EXPECT_TRUE(bits.Recorded(Channel::kEmail));
  EXPECT_TRUE(bits.Granted(Channel::kEmail));
  EXPECT_TRUE(bits.Recorded(Channel::kSms));
  EXPECT_FALSE(bits.Granted(Channel::kSms));
  EXPECT_FALSE(bits.Recorded(Channel::kPush));
  EXPECT_TRUE(bits.AnyGranted());
  EXPECT_FALSE(ToConsentBits(pv1::Client()).AnyGranted());
}

}  // namespace
}  // namespace clienttier::campaign
