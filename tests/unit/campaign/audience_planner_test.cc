#include "services/campaign/domain/audience_planner.h"

#include <gtest/gtest.h>

#include "services/campaign/domain/holdout.h"

namespace clienttier::campaign {
namespace {

constexpr UnixMicros kNow = 20'000 * kMicrosPerDay;

MemberChange Member(const std::string& id, bool email_granted, bool erased = false) {
  MemberChange change;
  change.client_id = id;
  change.member.client_id = id;
  change.consents.recorded = 1U << static_cast<int>(Channel::kEmail);
  change.consents.granted = email_granted ? change.consents.recorded : 0;
  change.erased = erased;
  return change;
}

std::vector<size_t> All(const MemberSnapshot& snapshot) {
  std::vector<size_t> indices(snapshot.members.size());
  for (size_t i = 0; i < indices.size(); ++i) {
    indices[i] = i;
  }
  return indices;
}

AudienceInput Input(int64_t holdout_bp) {
  AudienceInput input;
  input.campaign_id = "spring";
  input.channel = Channel::kEmail;
  input.holdout_bp = holdout_bp;
  input.caps = {{1, 7}};
  input.contact_at = kNow;
  return input;
}

TEST(AudiencePlanner, DecidesEachClientByConsentHoldoutAndCaps) {
  std::vector<MemberChange> changes;
  for (int i = 0; i < 200; ++i) {
    changes.push_back(Member("c-" + std::to_string(i), i % 5 != 0));
  }
  changes.push_back(Member("gone", true, true));
  const MemberSnapshot snapshot = WithChanges(nullptr, changes, 1);
  // c-1 was contacted yesterday; c-2 eight days ago (outside the 7-day window).
  std::unordered_map<std::string, std::vector<UnixMicros>> contacts{
      {"c-1", {kNow - kMicrosPerDay}}, {"c-2", {kNow - 8 * kMicrosPerDay}}};
  const AudiencePlan plan = PlanAudience(snapshot, All(snapshot), Input(2000), contacts, {});

  int64_t holdout = 0;
  int64_t capped = 0;
  for (int i = 0; i < 200; ++i) {
    const std::string id = "c-" + std::to_string(i);
    if (i % 5 == 0) {
      continue;
    }
    if (InHoldout("spring", id, 2000)) {
      ++holdout;
    } else if (id == "c-1") {
      ++capped;
    }
  }
  EXPECT_EQ(plan.summary.candidates(), 201);
  EXPECT_EQ(plan.summary.excluded_erased(), 1);
  EXPECT_EQ(plan.summary.excluded_no_consent(), 40);
  EXPECT_EQ(plan.summary.holdout(), holdout);
  EXPECT_EQ(plan.summary.excluded_frequency_cap(), capped);
  EXPECT_EQ(plan.summary.treatment(), 160 - holdout - capped);
  EXPECT_EQ(static_cast<int64_t>(plan.placements.size()), 160 - capped);
  for (const Placement& placement : plan.placements) {
    EXPECT_EQ(placement.group == v1::AUDIENCE_GROUP_HOLDOUT,
              InHoldout("spring", placement.client_id, 2000))
        << placement.client_id;
  }
}

TEST(AudiencePlanner, ClientsPlacedBeforeAreCountedAndLeftAlone) {
  const MemberSnapshot snapshot =
      WithChanges(nullptr, {Member("a", true), Member("b", true), Member("c", false)}, 1);
  const AudiencePlan plan = PlanAudience(snapshot, All(snapshot), Input(0), {}, {"a", "c"});
  EXPECT_EQ(plan.summary.already_placed(), 2);
  EXPECT_EQ(plan.summary.candidates(), 3);
  EXPECT_EQ(plan.summary.treatment(), 1);
  ASSERT_EQ(plan.placements.size(), 1u);
  EXPECT_EQ(plan.placements[0].client_id, "b");
}

TEST(AudiencePlanner, LongestCapWindowLooksBackFarEnough) {
  EXPECT_EQ(LongestCapWindow({}), 0);
  EXPECT_EQ(LongestCapWindow({{2, 7}, {4, 30}}), 30 * kMicrosPerDay);
}

TEST(MemberSnapshot, ChangesReplaceAddAndKeepClientOrder) {
  const MemberSnapshot first =
      WithChanges(nullptr, {Member("m", true), Member("c", true), Member("x", true)}, 3);
  ASSERT_EQ(first.members.size(), 3u);
  EXPECT_EQ(first.members[0].client_id, "c");
  EXPECT_EQ(first.members[2].client_id, "x");
  const MemberSnapshot second =
      WithChanges(&first, {Member("m", false), Member("a", true), Member("z", true, true)}, 4);
  EXPECT_EQ(second.revision, 4);
  ASSERT_EQ(second.members.size(), 5u);
  std::vector<std::string> ids;
  for (const SegmentMember& member : second.members) {
    ids.push_back(member.client_id);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "c", "m", "x", "z"}));
  EXPECT_FALSE(second.consents[second.Find("m")].Granted(Channel::kEmail));
  EXPECT_EQ(second.erased[second.Find("z")], 1);
  EXPECT_EQ(second.Find("b"), second.members.size());
  EXPECT_EQ(second.UpperBound(""), 0u);
  EXPECT_EQ(second.UpperBound("c"), 2u);
  EXPECT_EQ(second.UpperBound("d"), 2u);
  // The first snapshot is unchanged: readers holding it see a consistent population.
  EXPECT_TRUE(first.consents[first.Find("m")].Granted(Channel::kEmail));
}

}  // namespace
}  // namespace clienttier::campaign
