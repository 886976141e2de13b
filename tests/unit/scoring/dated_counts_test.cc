// Dated interaction counters and referrals (issue 17 part 2, migration 008): the sums a score
// as of a day counts, and what a referral event dates.
#include "services/scoring/domain/dated_counts.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/scoring/domain/referral_change.h"

namespace clienttier::scoring {
namespace {

namespace rv1 = ::clienttier::referral::v1;

InteractionDay InteractionOn(Day day, int64_t events, int64_t content, int64_t shares) {
  InteractionDay row;
  row.day = day;
  row.logins = 1;
  row.events_attended = events;
  row.content_uses = content;
  row.shares = shares;
  return row;
}

DatedReferral Referral(const std::string& id, const std::string& referrer, Day registered,
                       Day converted = kNever) {
  DatedReferral referral;
  referral.referral_id = id;
  referral.referrer_client_id = referrer;
  referral.registered_day = registered;
  referral.converted_day = converted;
  return referral;
}

TEST(DatedCountsTest, InteractionDaysCountUpToAndIncludingTheDay) {
  const std::vector<InteractionDay> days = {
      InteractionOn(100, 1, 0, 2), InteractionOn(110, 0, 3, 0), InteractionOn(120, 4, 0, 1)};
  DatedCounts before;
  AddInteractionDays(days, 99, &before);
  EXPECT_EQ(before.logins, 0);
  EXPECT_EQ(before.shares, 0);
  DatedCounts on_110;
  AddInteractionDays(days, 110, &on_110);
  EXPECT_EQ(on_110.logins, 2);
  EXPECT_EQ(on_110.events_attended, 1);
  EXPECT_EQ(on_110.content_uses, 3);
  EXPECT_EQ(on_110.shares, 2);
  DatedCounts all;
  AddInteractionDays(days, 120, &all);
  EXPECT_EQ(all.events_attended, 5);
  EXPECT_EQ(all.shares, 3);
}

TEST(DatedCountsTest, ReferralsCountWhenRegisteredAndWhenConvertedByTheDay) {
  const std::vector<DatedReferral> referrals = {
      Referral("r1", "a", 100, 105), Referral("r2", "a", 103), Referral("r3", "a", 108, 115),
      Referral("r4", "b", 120)};
  DatedCountsById on_106;
  AddReferrals(referrals, 106, &on_106);
  EXPECT_EQ(on_106["a"].referrals_sent, 2);  // r1 and r2; r3 registered after the day
  EXPECT_EQ(on_106["a"].referrals_converted, 1);
  EXPECT_EQ(on_106.count("b"), 0u);
  DatedCountsById on_120;
  AddReferrals(referrals, 120, &on_120);
  EXPECT_EQ(on_120["a"].referrals_sent, 3);
  EXPECT_EQ(on_120["a"].referrals_converted, 2);
  EXPECT_EQ(on_120["b"].referrals_sent, 1);
  EXPECT_EQ(on_120["b"].referrals_converted, 0);
}

TEST(DatedCountsTest, TwoEventsOfOneReferralKeepTheEarliestDayOfEachKindAndTheStoredReferrer) {
  const DatedReferral registered = Referral("r1", "a", 100);
  const DatedReferral converted = Referral("r1", "a", 100, 130);
  EXPECT_EQ(MergeDatedReferrals(registered, converted).converted_day, 130);
  // In either order, and a redelivery changes nothing.
  const DatedReferral merged = MergeDatedReferrals(converted, registered);
  EXPECT_EQ(merged.registered_day, 100);
  EXPECT_EQ(merged.converted_day, 130);
  EXPECT_EQ(MergeDatedReferrals(merged, converted).converted_day, 130);
  // A merge moved the referral to the survivor: a late event of the duplicate does not move it
  // back.
  const DatedReferral moved = Referral("r1", "survivor", 100, 130);
  EXPECT_EQ(MergeDatedReferrals(moved, converted).referrer_client_id, "survivor");
}

TEST(DatedCountsTest, ApplyingDatedCountsReplacesTodaysTotalsAndZeroesClientsWithout) {
  std::vector<ClientFacts> facts(2);
  facts[0].client_id = "a";
  facts[1].client_id = "b";
  for (ClientFacts& client : facts) {  // today's running totals
    client.events_attended = 9;
    client.content_uses = 9;
    client.shares = 9;
    client.referrals_sent = 9;
    client.referrals_converted = 9;
  }
  DatedCountsById counts;
  counts["a"].events_attended = 1;
  counts["a"].shares = 2;
  counts["a"].referrals_sent = 3;
  ApplyDatedCounts(counts, &facts);
  EXPECT_EQ(facts[0].events_attended, 1);
  EXPECT_EQ(facts[0].content_uses, 0);
  EXPECT_EQ(facts[0].shares, 2);
  EXPECT_EQ(facts[0].referrals_sent, 3);
  EXPECT_EQ(facts[0].referrals_converted, 0);
  EXPECT_EQ(facts[1].events_attended, 0);  // no dated row up to the day: none then
  EXPECT_EQ(facts[1].referrals_sent, 0);
}

rv1::ReferralEvent ReferralEventAt(int64_t occurred_seconds) {
  rv1::ReferralEvent event;
  event.set_event_id("e1");
  event.set_tenant_id("t1");
  event.mutable_occurred_at()->set_seconds(occurred_seconds);
  return event;
}

TEST(DatedCountsTest, AReferralEventDatesItsReferralFromItsOwnTimes) {
  constexpr int64_t kDay = 86400;
  rv1::ReferralEvent converted = ReferralEventAt(200 * kDay + 5);
  rv1::Referral& referral = *converted.mutable_referral_converted()->mutable_referral();
  referral.set_referral_id("r1");
  referral.set_referrer_client_id("a");
  referral.set_referee_client_id("b");
  referral.mutable_registered_at()->set_seconds(150 * kDay + 3600);
  referral.mutable_converted_at()->set_seconds(199 * kDay + 7200);
  const auto dated = DatedReferralOf(converted);
  ASSERT_TRUE(dated.has_value());
  EXPECT_EQ(dated->referral_id, "r1");
  EXPECT_EQ(dated->referrer_client_id, "a");
  EXPECT_EQ(dated->registered_day, 150);
  EXPECT_EQ(dated->converted_day, 199);

  // A registration is not a conversion; an unset time falls back to the event's.
  rv1::ReferralEvent registered = ReferralEventAt(160 * kDay);
  registered.mutable_referral_registered()->mutable_referral()->set_referral_id("r2");
  registered.mutable_referral_registered()->mutable_referral()->set_referrer_client_id("a");
  const auto registration = DatedReferralOf(registered);
  ASSERT_TRUE(registration.has_value());
  EXPECT_EQ(registration->registered_day, 160);
  EXPECT_EQ(registration->converted_day, kNever);

  // Rewards date no referral; nor does a referral without a referrer.
  rv1::ReferralEvent reward = ReferralEventAt(160 * kDay);
  reward.mutable_reward_issued();
  EXPECT_FALSE(DatedReferralOf(reward).has_value());
  registered.mutable_referral_registered()->mutable_referral()->clear_referrer_client_id();
  EXPECT_FALSE(DatedReferralOf(registered).has_value());
}

}  // namespace
}  // namespace clienttier::scoring
