#include "services/campaign/domain/next_best_action.h"

#include <gtest/gtest.h>

#include <map>

namespace clienttier::campaign {
namespace {

// A consenting client not contacted for a month; each test changes what it is about.
ClientSignals Client(Lifecycle lifecycle, ClientTier tier = ClientTier::kT2) {
  ClientSignals signals;
  signals.tier = tier;
  signals.lifecycle = lifecycle;
  signals.propagation = Propagation::kSilent;
  signals.days_since_last_contact = 30;
  signals.has_marketing_consent = true;
  signals.p_alive = 0.8;
  return signals;
}

std::map<std::string, std::string> EvidenceOf(const NextBestAction& action) {
  std::map<std::string, std::string> evidence;
  for (const Evidence& item : action.evidence) {
    evidence[item.key] = item.value;
  }
  return evidence;
}

TEST(NextBestActionTest, ChurnWarningInTopTiersGetsPersonalOutreach) {
  for (const ClientTier tier : {ClientTier::kT1, ClientTier::kT2}) {
    ClientSignals signals = Client(Lifecycle::kMature, tier);
    signals.churn_warning = true;
    signals.churn_reason = "p_alive 0.18 < 0.3";
    signals.p_alive = 0.18;
    const NextBestAction action = DecideNextBestAction(signals);
    EXPECT_EQ(action.action, Action::kPersonalOutreach);
    EXPECT_EQ(EvidenceOf(action).at("churn_reason"), "p_alive 0.18 < 0.3");
    EXPECT_EQ(EvidenceOf(action).at("tier"), Name(tier));
    EXPECT_EQ(EvidenceOf(action).at("p_alive"), "0.18");
  }
  ClientSignals signals = Client(Lifecycle::kGrowth, ClientTier::kT1);
  signals.churn_warning = true;
  signals.churn_reason = "T1 client: inactive 75 days >= 60";
  EXPECT_EQ(DecideNextBestAction(signals).reason,
            "T1 client with a churn warning (T1 client: inactive 75 days >= 60): personal "
            "outreach from their counsellor, as service rather than marketing");
}

TEST(NextBestActionTest, PersonalOutreachIsServiceNotMarketing) {
  // Neither missing consent nor a recent campaign contact holds back the counsellor.
  ClientSignals signals = Client(Lifecycle::kDormant, ClientTier::kT1);
  signals.churn_warning = true;
  signals.has_marketing_consent = false;
  signals.days_since_last_contact = 1;
  EXPECT_EQ(DecideNextBestAction(signals).action, Action::kPersonalOutreach);
}

TEST(NextBestActionTest, ChurnWarningOutsideTopTiersFollowsTheLifecycle) {
  ClientSignals signals = Client(Lifecycle::kDormant, ClientTier::kT3);
  signals.churn_warning = true;
  EXPECT_EQ(DecideNextBestAction(signals).action, Action::kValueContent);
  signals.tier = ClientTier::kUnspecified;
  EXPECT_EQ(DecideNextBestAction(signals).action, Action::kValueContent);
}

TEST(NextBestActionTest, NoConsentMeansQuiet) {
  ClientSignals signals = Client(Lifecycle::kGrowth);
  signals.has_marketing_consent = false;
  const NextBestAction action = DecideNextBestAction(signals);
  EXPECT_EQ(action.action, Action::kRespectQuiet);
  EXPECT_EQ(EvidenceOf(action).at("marketing_consent"), "none");
}

TEST(NextBestActionTest, RecentContactMeansQuiet) {
  ClientSignals signals = Client(Lifecycle::kOnboarding);
  signals.days_since_last_contact = kQuietDays - 1;
  NextBestAction action = DecideNextBestAction(signals);
  EXPECT_EQ(action.action, Action::kRespectQuiet);
  EXPECT_EQ(action.reason, "contacted 6 days ago: wait until 7 days have passed");
  EXPECT_EQ(EvidenceOf(action).at("days_since_last_contact"), "6");

  signals.days_since_last_contact = kQuietDays;  // the quiet period has passed
  EXPECT_EQ(DecideNextBestAction(signals).action, Action::kWelcomeFollowUp);
  signals.days_since_last_contact = std::nullopt;  // never contacted
  EXPECT_EQ(DecideNextBestAction(signals).action, Action::kWelcomeFollowUp);
  signals.days_since_last_contact = -2;  // a clock ahead of ours: just now
  action = DecideNextBestAction(signals);
  EXPECT_EQ(action.action, Action::kRespectQuiet);
  EXPECT_EQ(EvidenceOf(action).at("days_since_last_contact"), "0");
}

TEST(NextBestActionTest, OnboardingGetsAWelcomeFollowUp) {
  const NextBestAction action = DecideNextBestAction(Client(Lifecycle::kOnboarding));
  EXPECT_EQ(action.action, Action::kWelcomeFollowUp);
  EXPECT_EQ(EvidenceOf(action).at("lifecycle"), "onboarding");
}

TEST(NextBestActionTest, GrowthCrossSellsTheFirstUnboughtInterest) {
  ClientSignals signals = Client(Lifecycle::kGrowth);
  signals.interest_tags = {"career", "parenting", "relationships"};
  signals.bought_categories = {"career", "counselling"};
  const NextBestAction action = DecideNextBestAction(signals);
  EXPECT_EQ(action.action, Action::kCrossSell);
  EXPECT_EQ(EvidenceOf(action).at("interest_tag"), "parenting");
  EXPECT_EQ(action.reason,
            "growth client interested in \"parenting\" who has not bought it yet: cross-sell it");
}

TEST(NextBestActionTest, GrowthWithNothingLeftToCrossSellGetsAMemberEvent) {
  ClientSignals signals = Client(Lifecycle::kGrowth);
  signals.interest_tags = {"career"};
  signals.bought_categories = {"career"};
  NextBestAction action = DecideNextBestAction(signals);
  EXPECT_EQ(action.action, Action::kMemberEvent);
  EXPECT_EQ(EvidenceOf(action).at("interest_tag"), "none unbought");
  signals.interest_tags.clear();
  action = DecideNextBestAction(signals);
  EXPECT_EQ(action.action, Action::kMemberEvent);
  EXPECT_EQ(action.reason,
            "growth client with no known interests: a member event to deepen the relationship");
}

TEST(NextBestActionTest, MatureSharersGetAReferralInvitation) {
  for (const Propagation propagation : {Propagation::kContributor, Propagation::kSpreader}) {
    ClientSignals signals = Client(Lifecycle::kMature, ClientTier::kT3);
    signals.propagation = propagation;
    const NextBestAction action = DecideNextBestAction(signals);
    EXPECT_EQ(action.action, Action::kReferralInvitation) << Name(propagation);
    EXPECT_EQ(EvidenceOf(action).at("propagation_tier"), Name(propagation));
  }
}

TEST(NextBestActionTest, MatureT1GetsAReferralInvitationEvenWhenSilent) {
  const NextBestAction action = DecideNextBestAction(Client(Lifecycle::kMature, ClientTier::kT1));
  EXPECT_EQ(action.action, Action::kReferralInvitation);
  EXPECT_EQ(action.reason, "mature T1 client: referral invitation");
  EXPECT_EQ(EvidenceOf(action).at("tier"), "T1");
}

TEST(NextBestActionTest, OtherMatureClientsGetAMemberEvent) {
  for (const Propagation propagation :
       {Propagation::kUnspecified, Propagation::kSilent, Propagation::kParticipant}) {
    ClientSignals signals = Client(Lifecycle::kMature, ClientTier::kT2);
    signals.propagation = propagation;
    EXPECT_EQ(DecideNextBestAction(signals).action, Action::kMemberEvent) << Name(propagation);
  }
}

TEST(NextBestActionTest, DormantNeverGetsAHardSell) {
  // Whatever the tier and however much there would be to cross-sell.
  for (const ClientTier tier : {ClientTier::kT1, ClientTier::kT2, ClientTier::kT3}) {
    ClientSignals signals = Client(Lifecycle::kDormant, tier);
    signals.interest_tags = {"parenting"};
    signals.propagation = Propagation::kSpreader;
    const NextBestAction action = DecideNextBestAction(signals);
    EXPECT_EQ(action.action, Action::kValueContent) << Name(tier);
    EXPECT_EQ(EvidenceOf(action).at("p_alive"), "0.8");
  }
}

TEST(NextBestActionTest, ChurnedClientsGetAWinBackByPastValue) {
  // Low pressure first: content, never an offer, whatever there would be to sell.
  ClientSignals ordinary = Client(Lifecycle::kChurned, ClientTier::kT3);
  ordinary.interest_tags = {"parenting"};
  ordinary.p_alive = 0.02;
  const NextBestAction content = DecideNextBestAction(ordinary);
  EXPECT_EQ(content.action, Action::kValueContent);
  EXPECT_EQ(EvidenceOf(content).at("high_past_value"), "no");
  EXPECT_EQ(EvidenceOf(content).at("p_alive"), "0.02");
  // A client who spent the most is worth a person's time.
  ClientSignals valuable = ordinary;
  valuable.high_past_value = true;
  const NextBestAction outreach = DecideNextBestAction(valuable);
  EXPECT_EQ(outreach.action, Action::kPersonalOutreach);
  EXPECT_EQ(EvidenceOf(outreach).at("high_past_value"), "yes");
  // Win-back is marketing: consent and the quiet period still come first.
  valuable.has_marketing_consent = false;
  EXPECT_EQ(DecideNextBestAction(valuable).action, Action::kRespectQuiet);
  valuable.has_marketing_consent = true;
  valuable.days_since_last_contact = 2;
  EXPECT_EQ(DecideNextBestAction(valuable).action, Action::kRespectQuiet);
}

TEST(NextBestActionTest, OnlyProspectsAndUnscoredClientsGetNoActionWithTheirReason) {
  for (int stage = 0; stage <= 6; ++stage) {
    const auto lifecycle = static_cast<Lifecycle>(stage);
    const NextBestAction action = DecideNextBestAction(Client(lifecycle));
    const bool expected_none =
        lifecycle == Lifecycle::kUnspecified || lifecycle == Lifecycle::kProspect;
    EXPECT_EQ(action.action == Action::kNoAction, expected_none) << Name(lifecycle);
    EXPECT_EQ(EvidenceOf(action).at("lifecycle"), Name(lifecycle));
  }
  EXPECT_EQ(DecideNextBestAction(Client(Lifecycle::kProspect)).reason,
            "prospect who has not bought yet: acquisition campaigns reach prospects, this "
            "playbook starts at the first purchase");
  EXPECT_EQ(DecideNextBestAction(Client(Lifecycle::kUnspecified)).reason,
            "not scored yet: nothing to act on");
}

TEST(NextBestActionTest, EveryDecisionExplainsItself) {
  for (int stage = 0; stage <= 6; ++stage) {
    const NextBestAction action = DecideNextBestAction(Client(static_cast<Lifecycle>(stage)));
    EXPECT_FALSE(action.reason.empty()) << stage;
    EXPECT_FALSE(action.evidence.empty()) << stage;
  }
}

TEST(NextBestActionTest, Names) {
  EXPECT_STREQ(Name(Action::kWelcomeFollowUp), "welcome_follow_up");
  EXPECT_STREQ(Name(Action::kRespectQuiet), "respect_quiet");
  EXPECT_STREQ(Name(ClientTier::kT2), "T2");
  EXPECT_STREQ(Name(Lifecycle::kDormant), "dormant");
  EXPECT_STREQ(Name(Propagation::kContributor), "contributor");
}

}  // namespace
}  // namespace clienttier::campaign
