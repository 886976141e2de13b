#include "services/campaign/domain/segment_fields.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace clienttier::campaign {
namespace {

TEST(SegmentFieldsTest, NamesAreUniqueLowerCaseAndEachHasItsAccessor) {
  std::set<std::string> names;
  for (const FieldInfo& field : SegmentFields()) {
    EXPECT_TRUE(names.insert(field.name).second) << field.name;
    EXPECT_EQ(AsciiLowerCase(field.name), field.name);
    switch (field.kind) {
      case FieldKind::kInteger:
      case FieldKind::kMoney:
      case FieldKind::kDate:
      case FieldKind::kRfmCell:
        EXPECT_NE(field.integer, nullptr) << field.name;
        break;
      case FieldKind::kDecimal:
        EXPECT_NE(field.decimal, nullptr) << field.name;
        break;
      case FieldKind::kText:
        EXPECT_NE(field.text, nullptr) << field.name;
        break;
      case FieldKind::kEnum:
        EXPECT_FALSE(field.values.empty()) << field.name;
        [[fallthrough]];
      case FieldKind::kBoolean:
        EXPECT_NE(field.small, nullptr) << field.name;
        break;
    }
  }
  EXPECT_EQ(names.size(), 40u);
}

// The table is where a name meets a member: a wrong pointer would silently read the wrong
// number, so each one is checked by writing a distinct value and reading it back by name.
TEST(SegmentFieldsTest, EachNameReadsItsOwnMember) {
  SegmentMember member;
  int64_t next = 1000;
  const auto set = [&](int64_t& slot) { slot = next++; };
  set(member.client_since);
  set(member.clv_12m_minor);
  set(member.monetary_minor);
  set(member.recency_days);
  set(member.frequency);
  set(member.purchases_30d);
  set(member.purchases_90d);
  set(member.purchases_365d);
  set(member.spend_30d_minor);
  set(member.spend_90d_minor);
  set(member.spend_365d_minor);
  set(member.sessions_90d);
  set(member.days_since_login);
  set(member.lifetime_purchases);
  set(member.lifetime_spend_minor);
  set(member.value_12m_minor);
  set(member.potential_12m_minor);
  set(member.r_score);
  set(member.f_score);
  set(member.m_score);
  set(member.rfm_cell);
  set(member.propagation_index);
  const std::pair<const char*, int64_t> expected[] = {
      {"client_since", 1000},     {"clv_12m", 1001},
      {"monetary", 1002},         {"recency_days", 1003},
      {"frequency", 1004},        {"purchases_30d", 1005},
      {"purchases_90d", 1006},    {"purchases_365d", 1007},
      {"spend_30d", 1008},        {"spend_90d", 1009},
      {"spend_365d", 1010},       {"sessions_90d", 1011},
      {"days_since_login", 1012}, {"lifetime_purchases", 1013},
      {"lifetime_spend", 1014},   {"value_12m", 1015},
      {"potential_12m", 1016},    {"r_score", 1017},
      {"f_score", 1018},          {"m_score", 1019},
      {"rfm_cell", 1020},         {"propagation_index", 1021}};
  for (const auto& [name, value] : expected) {
    const FieldInfo* field = FindSegmentField(name);
    ASSERT_NE(field, nullptr) << name;
    EXPECT_EQ(member.*(field->integer), value) << name;
  }

  member.p_alive = 0.25;
  member.score = 75.5;
  EXPECT_EQ(member.*(FindSegmentField("p_alive")->decimal), 0.25);
  EXPECT_EQ(member.*(FindSegmentField("score")->decimal), 75.5);

  member.client_id = "id";
  member.region = "region";
  member.occupation = "occupation";
  member.acquisition_channel = "channel";
  EXPECT_EQ(member.*(FindSegmentField("client_id")->text), "id");
  EXPECT_EQ(member.*(FindSegmentField("region")->text), "region");
  EXPECT_EQ(member.*(FindSegmentField("occupation")->text), "occupation");
  EXPECT_EQ(member.*(FindSegmentField("acquisition_channel")->text), "channel");

  member.tier = MemberTier::kT3;
  member.spend_tier = MemberSpendTier::kPremium;
  member.lifecycle = MemberLifecycle::kChurned;
  member.rfm_segment = MemberRfmSegment::kLost;
  member.quadrant = MemberQuadrant::kDog;
  member.need_depth = MemberNeedDepth::kModerate;
  member.propagation_tier = MemberPropagationTier::kParticipant;
  member.city_tier = MemberCityTier::kTier2;
  member.age_band = MemberAgeBand::k65Plus;
  member.gender = MemberGender::kNonBinary;
  member.income_band = MemberIncomeBand::kLowerMiddle;
  member.churn_warning = true;
  const std::pair<const char*, const char*> names[] = {{"tier", "T3"},
                                                       {"spend_tier", "premium"},
                                                       {"lifecycle", "churned"},
                                                       {"rfm_segment", "lost"},
                                                       {"quadrant", "dog"},
                                                       {"need_depth", "moderate"},
                                                       {"propagation_tier", "participant"},
                                                       {"city_tier", "2"},
                                                       {"age_band", "65_plus"},
                                                       {"gender", "non_binary"},
                                                       {"income_band", "lower_middle"}};
  for (const auto& [name, value] : names) {
    const FieldInfo& field = *FindSegmentField(name);
    EXPECT_EQ(EnumValueName(field, field.small(member)), value) << name;
  }
  EXPECT_EQ(FindSegmentField("churn_warning")->small(member), 1);
}

TEST(SegmentFieldsTest, EnumNumbersFollowTheProtos) {
  // scoring.v1.LifecycleStage: PROSPECT = 1 ... CHURNED = 6; profile.v1.AgeBand likewise.
  const FieldInfo& lifecycle = *FindSegmentField("lifecycle");
  EXPECT_EQ(FindEnumValue(lifecycle, "prospect"), 1);
  EXPECT_EQ(FindEnumValue(lifecycle, "dormant"), 5);
  EXPECT_EQ(FindEnumValue(lifecycle, "churned"), 6);
  const FieldInfo& age = *FindSegmentField("age_band");
  EXPECT_EQ(FindEnumValue(age, "under_18"), 1);
  EXPECT_EQ(FindEnumValue(age, "65_plus"), 7);
  const FieldInfo& segment = *FindSegmentField("rfm_segment");
  EXPECT_EQ(FindEnumValue(segment, "champions"), 1);
  EXPECT_EQ(FindEnumValue(segment, "lost"), 11);
}

TEST(SegmentFieldsTest, LookupIgnoresCase) {
  EXPECT_EQ(FindSegmentField("CLV_12M"), FindSegmentField("clv_12m"));
  EXPECT_NE(FindSegmentField("Tier"), nullptr);
  EXPECT_EQ(FindSegmentField("tiers"), nullptr);
  EXPECT_EQ(FindSegmentField(""), nullptr);
  const FieldInfo& tier = *FindSegmentField("tier");
  EXPECT_EQ(FindEnumValue(tier, "t2"), 2);
  EXPECT_EQ(FindEnumValue(tier, "UNSPECIFIED"), 0);
  EXPECT_EQ(FindEnumValue(tier, "T4"), -1);
  EXPECT_EQ(EnumValueName(tier, 0), "unspecified");
}

TEST(SegmentFieldsTest, SuggestsCloseNames) {
  EXPECT_EQ(SuggestSegmentField("tierr"), "tier");
  EXPECT_EQ(SuggestSegmentField("lifecyle"), "lifecycle");
  EXPECT_EQ(SuggestSegmentField("CLV12M"), "clv_12m");
  EXPECT_EQ(SuggestSegmentField("purchases_60d"), "purchases_30d");
  EXPECT_EQ(SuggestSegmentField("xyz"), "");
  EXPECT_EQ(SuggestSegmentField("ab"), "");  // everything is "close" to a two-letter word
  EXPECT_EQ(SuggestSegmentField(std::string(100, 'a')), "");
}

TEST(SegmentFieldsTest, DescribesEnumValuesForErrors) {
  EXPECT_EQ(DescribeEnumValues(*FindSegmentField("tier")),
            "\"T1\", \"T2\", \"T3\", or \"unspecified\"");
  EXPECT_EQ(DescribeEnumValues(*FindSegmentField("city_tier")), "1, 2, 3, 4, or 0 for unspecified");
}

}  // namespace
}  // namespace clienttier::campaign
