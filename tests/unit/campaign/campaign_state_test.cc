#include "services/campaign/domain/campaign_state.h"

#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "common/errors/domain_error.h"

namespace clienttier::campaign {
namespace {

constexpr UnixMicros kStart = 1'767'225'600LL * kMicrosPerSecond;  // 2026-01-01T00:00:00Z

const std::vector<CampaignState> kAllStates = {
    CampaignState::kUnspecified, CampaignState::kDraft,     CampaignState::kLaunched,
    CampaignState::kPaused,      CampaignState::kCompleted, CampaignState::kCancelled};

CampaignDefinition ValidDefinition() {
  CampaignDefinition definition;
  definition.name = "Spring parenting workshop";
  definition.channel = Channel::kEmail;
  definition.offer.text = "20% off the first workshop";
  definition.offer.value = OfferValue{5000, "CNY"};
  definition.schedule = {kStart, kStart + 14 * kMicrosPerDay};
  definition.holdout_bp = 1000;
  return definition;
}

std::string Message(const CampaignDefinition& definition, const std::string& field = "campaign") {
  try {
    ValidateCampaignDefinition(definition, field);
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kInvalid);
    return error.what();
  }
  return "";
}

std::string Edited(const std::function<void(CampaignDefinition&)>& edit) {
  CampaignDefinition definition = ValidDefinition();
  edit(definition);
  return Message(definition);
}

TEST(CampaignStateTest, AllowedTransitions) {
  EXPECT_TRUE(CanTransition(CampaignState::kDraft, CampaignState::kLaunched));
  EXPECT_TRUE(CanTransition(CampaignState::kDraft, CampaignState::kCancelled));
  EXPECT_TRUE(CanTransition(CampaignState::kLaunched, CampaignState::kPaused));
  EXPECT_TRUE(CanTransition(CampaignState::kPaused, CampaignState::kLaunched));
  EXPECT_TRUE(CanTransition(CampaignState::kLaunched, CampaignState::kCompleted));
  EXPECT_TRUE(CanTransition(CampaignState::kPaused, CampaignState::kCompleted));
}

TEST(CampaignStateTest, EverythingElseIsRejected) {
  int allowed = 0;
  for (const CampaignState from : kAllStates) {
    for (const CampaignState to : kAllStates) {
      allowed += CanTransition(from, to) ? 1 : 0;
    }
    EXPECT_FALSE(CanTransition(from, from)) << Name(from);
  }
  EXPECT_EQ(allowed, 6);  // exactly the six arrows above
  EXPECT_FALSE(CanTransition(CampaignState::kDraft, CampaignState::kCompleted));
  EXPECT_FALSE(CanTransition(CampaignState::kDraft, CampaignState::kPaused));
  EXPECT_FALSE(CanTransition(CampaignState::kLaunched, CampaignState::kDraft));
  EXPECT_FALSE(CanTransition(CampaignState::kLaunched, CampaignState::kCancelled));
}

TEST(CampaignStateTest, FinalStatesGoNowhere) {
  for (const CampaignState to : kAllStates) {
    EXPECT_FALSE(CanTransition(CampaignState::kCompleted, to));
    EXPECT_FALSE(CanTransition(CampaignState::kCancelled, to));
  }
  EXPECT_TRUE(IsFinal(CampaignState::kCompleted));
  EXPECT_TRUE(IsFinal(CampaignState::kCancelled));
  EXPECT_FALSE(IsFinal(CampaignState::kPaused));
}

TEST(CampaignStateTest, RejectedTransitionNamesBothStates) {
  EXPECT_NO_THROW(CheckTransition(CampaignState::kPaused, CampaignState::kLaunched));
  try {
    CheckTransition(CampaignState::kCompleted, CampaignState::kLaunched);
    FAIL() << "expected FailedPrecondition";
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kFailedPrecondition);
    EXPECT_STREQ(error.what(), "campaign is completed; cannot move it to launched");
  }
}

TEST(CampaignStateTest, NamesMatchTheProtoSpelling) {
  EXPECT_STREQ(Name(Channel::kMessaging), "messaging");
  EXPECT_STREQ(Name(Channel::kPost), "post");
  EXPECT_STREQ(Name(CampaignState::kCancelled), "cancelled");
}

TEST(CampaignDefinitionTest, ValidDefinitionPasses) {
  EXPECT_EQ(Message(ValidDefinition()), "");
  CampaignDefinition minimal = ValidDefinition();
  minimal.offer = Offer{};
  minimal.holdout_bp = 0;
  minimal.schedule.end_at = minimal.schedule.start_at;  // a one-moment campaign is allowed
  EXPECT_EQ(Message(minimal), "");
}

TEST(CampaignDefinitionTest, Name) {
  EXPECT_EQ(Edited([](auto& d) { d.name = ""; }), "campaign.name: required");
  EXPECT_EQ(Edited([](auto& d) { d.name = "   "; }), "campaign.name: must not be blank");
  EXPECT_EQ(Edited([](auto& d) { d.name = std::string(200, 'x'); }), "");
  EXPECT_EQ(Edited([](auto& d) { d.name = std::string(201, 'x'); }),
            "campaign.name: must be at most 200 characters");
  EXPECT_EQ(Edited([](auto& d) { d.name = "line\nbreak"; }),
            "campaign.name: must be valid UTF-8 without control characters");
}

TEST(CampaignDefinitionTest, LengthsCountCharactersNotBytes) {
  std::string chinese;
  for (int i = 0; i < 200; ++i) {
    chinese += "\xE6\x98\xA5";  // U+6625, three bytes
  }
  EXPECT_EQ(Edited([&](auto& d) { d.name = chinese; }), "");
  EXPECT_EQ(Edited([&](auto& d) { d.name = chinese + "\xE6\x98\xA5"; }),
            "campaign.name: must be at most 200 characters");
  EXPECT_EQ(Edited([](auto& d) { d.name = "\xE6\x98"; }),  // truncated sequence
            "campaign.name: must be valid UTF-8 without control characters");
}

TEST(CampaignDefinitionTest, Channel) {
  EXPECT_EQ(Edited([](auto& d) { d.channel = Channel::kUnspecified; }),
            "campaign.channel: required");
}

TEST(CampaignDefinitionTest, Offer) {
  EXPECT_EQ(Edited([](auto& d) { d.offer.text = std::string(500, 'x'); }), "");
  EXPECT_EQ(Edited([](auto& d) { d.offer.text = std::string(501, 'x'); }),
            "campaign.offer.text: must be at most 500 characters");
  EXPECT_EQ(Edited([](auto& d) { d.offer.value->amount_minor = 0; }),
            "campaign.offer.value.amount_minor: must be between 1 and 1000000000000");
  EXPECT_EQ(Edited([](auto& d) { d.offer.value->amount_minor = kMaxOfferAmountMinor + 1; }),
            "campaign.offer.value.amount_minor: must be between 1 and 1000000000000");
  EXPECT_EQ(Edited([](auto& d) { d.offer.value->currency = ""; }),
            "campaign.offer.value.currency: required");
  EXPECT_EQ(Edited([](auto& d) { d.offer.value->currency = "RMB"; }),
            "campaign.offer.value.currency: unknown ISO 4217 code 'RMB'");
}

TEST(CampaignDefinitionTest, Schedule) {
  EXPECT_EQ(Edited([](auto& d) { d.schedule.start_at = 0; }),
            "campaign.schedule.start_at: required");
  EXPECT_EQ(Edited([](auto& d) { d.schedule.end_at = d.schedule.start_at - 1; }),
            "campaign.schedule.end_at: must not be before schedule.start_at");
}

TEST(CampaignDefinitionTest, HoldoutShare) {
  EXPECT_EQ(Edited([](auto& d) { d.holdout_bp = 5000; }), "");
  EXPECT_EQ(Edited([](auto& d) { d.holdout_bp = 5001; }),
            "campaign.holdout_bp: must be between 0 and 5000");
  EXPECT_EQ(Edited([](auto& d) { d.holdout_bp = -1; }),
            "campaign.holdout_bp: must be between 0 and 5000");
}

TEST(CampaignDefinitionTest, FieldPrefixIsTheCallers) {
  CampaignDefinition definition = ValidDefinition();
  definition.channel = Channel::kUnspecified;
  EXPECT_EQ(Message(definition, "request.campaign"), "request.campaign.channel: required");
  EXPECT_EQ(Message(definition, ""), "channel: required");
}

}  // namespace
}  // namespace clienttier::campaign
