#include "services/campaign/domain/audience_rules.h"

#include <gtest/gtest.h>

#include <string>

#include "services/campaign/domain/holdout.h"

namespace clienttier::campaign {
namespace {

AudienceCandidate Eligible() {
  AudienceCandidate candidate;
  candidate.consents = {{Channel::kEmail, true}, {Channel::kSms, false}};
  candidate.cap_allows = true;
  return candidate;
}

TEST(AudienceRulesTest, EligibleClientIsIncluded) {
  EXPECT_EQ(DecideAudience(Eligible(), Channel::kEmail), AudienceReason::kIncluded);
  EXPECT_TRUE(NeedsCapCheck(Eligible(), Channel::kEmail));
}

TEST(AudienceRulesTest, ConsentIsPerChannelAndMustBeGiven) {
  EXPECT_EQ(DecideAudience(Eligible(), Channel::kSms), AudienceReason::kNoConsent);   // withdrawn
  EXPECT_EQ(DecideAudience(Eligible(), Channel::kPost), AudienceReason::kNoConsent);  // never asked
  EXPECT_EQ(DecideAudience(AudienceCandidate{}, Channel::kEmail), AudienceReason::kNoConsent);
}

TEST(AudienceRulesTest, ErasedComesFirst) {
  AudienceCandidate candidate = Eligible();
  candidate.erased = true;
  candidate.in_holdout = true;
  candidate.cap_allows = false;
  EXPECT_EQ(DecideAudience(candidate, Channel::kEmail), AudienceReason::kErased);
  candidate.consents.clear();
  EXPECT_EQ(DecideAudience(candidate, Channel::kEmail), AudienceReason::kErased);
  EXPECT_FALSE(NeedsCapCheck(candidate, Channel::kEmail));
}

TEST(AudienceRulesTest, ConsentComesBeforeHoldout) {
  // A client the campaign could never contact is not a holdout member.
  AudienceCandidate candidate = Eligible();
  candidate.in_holdout = true;
  EXPECT_EQ(DecideAudience(candidate, Channel::kPost), AudienceReason::kNoConsent);
}

TEST(AudienceRulesTest, HoldoutComesBeforeTheCap) {
  AudienceCandidate candidate = Eligible();
  candidate.in_holdout = true;
  candidate.cap_allows = false;
  EXPECT_EQ(DecideAudience(candidate, Channel::kEmail), AudienceReason::kHoldout);
  // So the contact history is not needed for it.
  EXPECT_FALSE(NeedsCapCheck(candidate, Channel::kEmail));
}

TEST(AudienceRulesTest, CapIsTheLastCheck) {
  AudienceCandidate candidate = Eligible();
  candidate.cap_allows = false;
  EXPECT_EQ(DecideAudience(candidate, Channel::kEmail), AudienceReason::kFrequencyCap);
}

TEST(AudienceRulesTest, AnUnsetCapVerdictDoesNotContact) {
  AudienceCandidate candidate;
  candidate.consents = {{Channel::kEmail, true}};
  EXPECT_EQ(DecideAudience(candidate, Channel::kEmail), AudienceReason::kFrequencyCap);
}

TEST(AudienceRulesTest, HoldoutStaysPutWhenCapsChange) {
  // A relaunch sees a different contact history; no client may switch between holdout and
  // treatment because of it.
  for (int i = 0; i < 2000; ++i) {
    AudienceCandidate candidate = Eligible();
    candidate.in_holdout = InHoldout("relaunch", "c-" + std::to_string(i), 2000);
    candidate.cap_allows = true;
    const bool first = DecideAudience(candidate, Channel::kEmail) == AudienceReason::kHoldout;
    candidate.cap_allows = false;
    const bool second = DecideAudience(candidate, Channel::kEmail) == AudienceReason::kHoldout;
    ASSERT_EQ(first, second) << i;
  }
}

TEST(AudienceRulesTest, CountsAddUpPerReason) {
  AudienceCounts counts;
  const AudienceReason reasons[] = {AudienceReason::kIncluded,  AudienceReason::kIncluded,
                                    AudienceReason::kIncluded,  AudienceReason::kErased,
                                    AudienceReason::kNoConsent, AudienceReason::kNoConsent,
                                    AudienceReason::kHoldout,   AudienceReason::kFrequencyCap};
  for (const AudienceReason reason : reasons) {
    counts.Add(reason);
  }
  EXPECT_EQ(counts.included, 3);
  EXPECT_EQ(counts.erased, 1);
  EXPECT_EQ(counts.no_consent, 2);
  EXPECT_EQ(counts.holdout, 1);
  EXPECT_EQ(counts.frequency_cap, 1);
  EXPECT_EQ(counts.Count(AudienceReason::kNoConsent), 2);
  EXPECT_EQ(counts.Count(AudienceReason::kFrequencyCap), 1);
  EXPECT_EQ(counts.Total(), 8);
  EXPECT_EQ(AudienceCounts{}.Total(), 0);
}

TEST(AudienceRulesTest, ReasonNames) {
  EXPECT_STREQ(Name(AudienceReason::kIncluded), "included");
  EXPECT_STREQ(Name(AudienceReason::kNoConsent), "no_consent");
  EXPECT_STREQ(Name(AudienceReason::kFrequencyCap), "frequency_cap");
}

}  // namespace
}  // namespace clienttier::campaign
