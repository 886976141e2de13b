// What a scoring or profile event means for campaign (domain/member_events), and the one
// mapping of scoring's proto enums (domain/member_mapping) that members and the playbook share.
#include "services/campaign/domain/member_events.h"

#include <gtest/gtest.h>

#include "services/campaign/domain/member_mapping.h"

namespace clienttier::campaign {
namespace {

namespace sv1 = ::clienttier::scoring::v1;
namespace pv1 = ::clienttier::profile::v1;

sv1::ScoringEvent TierChanged(sv1::Tier from, sv1::Tier to) {
  sv1::ScoringEvent event;
  event.mutable_tier_changed()->mutable_change()->set_from_tier(from);
  event.mutable_tier_changed()->mutable_change()->set_to_tier(to);
  event.mutable_tier_changed()->mutable_score()->set_client_id("c-1");
  return event;
}

TEST(ScoringEventChange, OnlyAMoveIntoT1FromAnotherTierWelcomes) {
  for (sv1::Tier from : {sv1::TIER_UNSPECIFIED, sv1::TIER_T2, sv1::TIER_T3}) {
    const sv1::ScoringEvent event = TierChanged(from, sv1::TIER_T1);
    const ScoringEventChange change = ScoringEventChangeOf(event);
    EXPECT_TRUE(change.enters_welcome) << from;
    EXPECT_FALSE(change.enters_retention);
    ASSERT_NE(change.score, nullptr);
    EXPECT_EQ(change.score->client_id(), "c-1");
  }
  for (auto [from, to] :
       {std::pair{sv1::TIER_T1, sv1::TIER_T1}, std::pair{sv1::TIER_T1, sv1::TIER_T2},
        std::pair{sv1::TIER_T3, sv1::TIER_T2}}) {
    const sv1::ScoringEvent event = TierChanged(from, to);
    const ScoringEventChange change = ScoringEventChangeOf(event);
    EXPECT_FALSE(change.enters_welcome) << from << " -> " << to;
    EXPECT_NE(change.score, nullptr);  // the score is kept all the same
  }
}

TEST(ScoringEventChange, AChurnWarningRetainsAndAnEmptyEventChangesNothing) {
  sv1::ScoringEvent warning;
  warning.mutable_churn_warning()->mutable_score()->set_client_id("c-2");
  const ScoringEventChange change = ScoringEventChangeOf(warning);
  EXPECT_TRUE(change.enters_retention);
  EXPECT_FALSE(change.enters_welcome);
  ASSERT_NE(change.score, nullptr);
  EXPECT_EQ(change.score->client_id(), "c-2");

  const ScoringEventChange none = ScoringEventChangeOf(sv1::ScoringEvent{});
  EXPECT_EQ(none.score, nullptr);
  EXPECT_FALSE(none.enters_welcome || none.enters_retention);
}

TEST(ProfileEventChange, ProfilesLoseContactDetailsErasuresNameTheClient) {
  pv1::ProfileEvent created;
  pv1::Client& client = *created.mutable_client_created()->mutable_client();
  client.set_client_id("c-1");
  client.set_email("a@example.com");
  client.set_phone("+8613800000000");
  client.set_display_name("A");
  ProfileEventChange change = ProfileEventChangeOf(created);
  EXPECT_EQ(change.kind, ProfileEventChange::Kind::kProfile);
  EXPECT_EQ(change.profile.client_id(), "c-1");
  EXPECT_TRUE(change.profile.email().empty());
  EXPECT_TRUE(change.profile.phone().empty());
  EXPECT_TRUE(change.profile.display_name().empty());

  pv1::ProfileEvent updated;
  updated.mutable_client_updated()->mutable_client()->set_client_id("c-3");
  EXPECT_EQ(ProfileEventChangeOf(updated).kind, ProfileEventChange::Kind::kProfile);

  pv1::ProfileEvent erased;
  erased.mutable_client_erased()->set_client_id("c-2");
  change = ProfileEventChangeOf(erased);
  EXPECT_EQ(change.kind, ProfileEventChange::Kind::kErasure);
  EXPECT_EQ(change.client_id, "c-2");

  pv1::ProfileEvent transaction;
  transaction.mutable_transaction_recorded();
  EXPECT_EQ(ProfileEventChangeOf(transaction).kind, ProfileEventChange::Kind::kNone);
}

// Every value of scoring's enums maps to campaign's label with the same number, and only
// UNSPECIFIED to unspecified: a value added to scoring's proto fails here until it is mapped.
template <typename ProtoEnum, typename Label>
void ExpectEveryValueMaps(const google::protobuf::EnumDescriptor* descriptor,
                          Label (*map)(ProtoEnum)) {
  ASSERT_GT(descriptor->value_count(), 1);
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const int number = descriptor->value(i)->number();
    const Label label = map(static_cast<ProtoEnum>(number));
    EXPECT_EQ(static_cast<int>(label), number) << descriptor->value(i)->full_name();
    EXPECT_EQ(label == Label::kUnspecified, number == 0) << descriptor->value(i)->full_name();
  }
}

TEST(ScoreLabels, EveryScoringEnumValueMaps) {
  ExpectEveryValueMaps(sv1::Tier_descriptor(), &ToScoreTier);
  ExpectEveryValueMaps(sv1::LifecycleStage_descriptor(), &ToScoreLifecycle);
  ExpectEveryValueMaps(sv1::PropagationTier_descriptor(), &ToScorePropagation);
  ExpectEveryValueMaps(sv1::SpendTier_descriptor(), &ToMemberSpendTier);
  ExpectEveryValueMaps(sv1::NeedDepth_descriptor(), &ToMemberNeedDepth);
  ExpectEveryValueMaps(sv1::Quadrant_descriptor(), &ToMemberQuadrant);
}

TEST(ScoreLabels, MembersAndThePlaybookReadTheSameLabels) {
  sv1::Score score;
  score.set_tier(sv1::TIER_T1);
  score.set_lifecycle(sv1::LIFECYCLE_STAGE_DORMANT);
  score.set_propagation_tier(sv1::PROPAGATION_TIER_SPREADER);
  const SegmentMember member = ToSegmentMember("c-1", &score, nullptr);
  // One type: what a segment rule sees is what the next best action decides on.
  const ClientTier tier = member.tier;
  const Lifecycle lifecycle = member.lifecycle;
  const Propagation propagation = member.propagation_tier;
  EXPECT_STREQ(Name(tier), "T1");
  EXPECT_STREQ(Name(lifecycle), "dormant");
  EXPECT_STREQ(Name(propagation), "spreader");
  EXPECT_EQ(TierName(member.tier), "T1");
  EXPECT_EQ(LifecycleName(member.lifecycle), "dormant");
}

TEST(ScoreLabels, AValueScoringMayAddLaterIsUnspecifiedNotOutOfRange) {
  sv1::Score score;
  score.set_tier(static_cast<sv1::Tier>(9));
  score.set_lifecycle(static_cast<sv1::LifecycleStage>(42));
  const SegmentMember member = ToSegmentMember("c-1", &score, nullptr);
  EXPECT_EQ(member.tier, ScoreTier::kUnspecified);
  EXPECT_EQ(member.lifecycle, ScoreLifecycle::kUnspecified);
}

}  // namespace
}  // namespace clienttier::campaign
