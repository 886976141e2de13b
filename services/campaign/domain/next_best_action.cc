#include "services/campaign/domain/next_best_action.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace clienttier::campaign {
namespace {

std::string FormatProbability(double value) {
  std::array<char, 32> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%.3g", value);
  return buffer.data();
}

void AddPAlive(const ClientSignals& signals, NextBestAction& action) {
  if (signals.p_alive.has_value()) {
    action.evidence.push_back({"p_alive", FormatProbability(*signals.p_alive)});
  }
}

bool IsTopTier(ClientTier tier) { return tier == ClientTier::kT1 || tier == ClientTier::kT2; }

const std::string* FirstUnboughtInterest(const ClientSignals& signals) {
  for (const std::string& tag : signals.interest_tags) {
    if (std::find(signals.bought_categories.begin(), signals.bought_categories.end(), tag) ==
        signals.bought_categories.end()) {
      return &tag;
    }
  }
  return nullptr;
}

NextBestAction PersonalOutreach(const ClientSignals& signals) {
  NextBestAction action{Action::kPersonalOutreach, "", {}};
  action.reason = std::string(Name(signals.tier)) + " client with a churn warning" +
                  (signals.churn_reason.empty() ? "" : " (" + signals.churn_reason + ")") +
                  ": personal outreach from their counsellor, as service rather than marketing";
  action.evidence.push_back({"tier", Name(signals.tier)});
  if (!signals.churn_reason.empty()) {
    action.evidence.push_back({"churn_reason", signals.churn_reason});
  }
  AddPAlive(signals, action);
  return action;
}

NextBestAction ForGrowth(const ClientSignals& signals) {
  NextBestAction action;
  action.evidence.push_back({"lifecycle", Name(signals.lifecycle)});
  if (const std::string* tag = FirstUnboughtInterest(signals)) {
    action.action = Action::kCrossSell;
    action.reason = "growth client interested in \"" + *tag +
                    "\" who has not bought it yet: " + "cross-sell it";
    action.evidence.push_back({"interest_tag", *tag});
    return action;
  }
  action.action = Action::kMemberEvent;
  action.reason = signals.interest_tags.empty()
                      ? "growth client with no known interests: a member event to deepen the "
                        "relationship"
                      : "growth client who has bought every interest we know of: a member "
                        "event to deepen the relationship";
  action.evidence.push_back({"interest_tag", "none unbought"});
  return action;
}

NextBestAction ForMature(const ClientSignals& signals) {
  NextBestAction action;
  action.evidence.push_back({"lifecycle", Name(signals.lifecycle)});
  action.evidence.push_back({"tier", Name(signals.tier)});
  action.evidence.push_back({"propagation_tier", Name(signals.propagation)});
  const bool shares = signals.propagation == Propagation::kContributor ||
                      signals.propagation == Propagation::kSpreader;
  if (shares) {
    action.action = Action::kReferralInvitation;
    action.reason = std::string("mature client who already spreads the word (") +
                    Name(signals.propagation) + "): referral invitation";
  } else if (signals.tier == ClientTier::kT1) {
    action.action = Action::kReferralInvitation;
    action.reason = "mature T1 client: referral invitation";
  } else {
    action.action = Action::kMemberEvent;
    action.reason = std::string("mature client who does not share yet (") +
                    Name(signals.propagation) + "): member event";
  }
  return action;
}

NextBestAction ForChurned(const ClientSignals& signals) {
  NextBestAction action;
  action.evidence.push_back({"lifecycle", Name(signals.lifecycle)});
  action.evidence.push_back({"high_past_value", signals.high_past_value ? "yes" : "no"});
  if (signals.high_past_value) {
    action.action = Action::kPersonalOutreach;
    action.reason =
        "churned client who spent the most before: a personal win-back note from their "
        "counsellor";
  } else {
    action.action = Action::kValueContent;
    action.reason = "churned client: low-pressure content to wake them up, never an offer";
  }
  AddPAlive(signals, action);
  return action;
}

}  // namespace

const char* Name(ClientTier tier) {
  switch (tier) {
    case ClientTier::kUnspecified:
      return "unknown";
    case ClientTier::kT1:
      return "T1";
    case ClientTier::kT2:
      return "T2";
    case ClientTier::kT3:
      return "T3";
  }
  return "unknown";
}

const char* Name(Lifecycle lifecycle) {
  switch (lifecycle) {
    case Lifecycle::kUnspecified:
      return "unknown";
    case Lifecycle::kProspect:
      return "prospect";
    case Lifecycle::kOnboarding:
      return "onboarding";
    case Lifecycle::kGrowth:
      return "growth";
    case Lifecycle::kMature:
      return "mature";
    case Lifecycle::kDormant:
      return "dormant";
    case Lifecycle::kChurned:
      return "churned";
  }
  return "unknown";
}

const char* Name(Propagation propagation) {
  switch (propagation) {
    case Propagation::kUnspecified:
      return "unknown";
    case Propagation::kSilent:
      return "silent";
    case Propagation::kParticipant:
      return "participant";
    case Propagation::kContributor:
      return "contributor";
    case Propagation::kSpreader:
      return "spreader";
  }
  return "unknown";
}

const char* Name(Action action) {
  switch (action) {
    case Action::kNoAction:
      return "no_action";
    case Action::kRespectQuiet:
      return "respect_quiet";
    case Action::kPersonalOutreach:
      return "personal_outreach";
    case Action::kWelcomeFollowUp:
      return "welcome_follow_up";
    case Action::kCrossSell:
      return "cross_sell";
    case Action::kReferralInvitation:
      return "referral_invitation";
    case Action::kMemberEvent:
      return "member_event";
    case Action::kValueContent:
      return "value_content";
  }
  return "no_action";
}

NextBestAction DecideNextBestAction(const ClientSignals& signals) {
  if (signals.churn_warning && IsTopTier(signals.tier)) {
    return PersonalOutreach(signals);
  }
  if (!signals.has_marketing_consent) {
    return NextBestAction{Action::kRespectQuiet,
                          "no marketing consent on any channel: leave the client alone",
                          {{"marketing_consent", "none"}}};
  }
  if (signals.days_since_last_contact.has_value()) {
    // A negative gap is a clock ahead of ours: the contact was just now.
    const int64_t days = std::max<int64_t>(0, *signals.days_since_last_contact);
    if (days < kQuietDays) {
      return NextBestAction{Action::kRespectQuiet,
                            "contacted " + std::to_string(days) + (days == 1 ? " day" : " days") +
                                " ago: wait until " + std::to_string(kQuietDays) +
                                " days have passed",
                            {{"days_since_last_contact", std::to_string(days)},
                             {"quiet_days", std::to_string(kQuietDays)}}};
    }
  }
  switch (signals.lifecycle) {
    case Lifecycle::kOnboarding:
      return NextBestAction{Action::kWelcomeFollowUp,
                            "onboarding client: a welcome follow-up to help them settle in",
                            {{"lifecycle", Name(signals.lifecycle)}}};
    case Lifecycle::kGrowth:
      return ForGrowth(signals);
    case Lifecycle::kMature:
      return ForMature(signals);
    case Lifecycle::kDormant: {
      NextBestAction action{Action::kValueContent,
                            "dormant client: useful content, never a hard sell",
                            {{"lifecycle", Name(signals.lifecycle)}}};
      AddPAlive(signals, action);
      return action;
    }
    case Lifecycle::kChurned:
      return ForChurned(signals);
    case Lifecycle::kProspect:
      return NextBestAction{Action::kNoAction,
                            "prospect who has not bought yet: acquisition campaigns reach "
                            "prospects, this playbook starts at the first purchase",
                            {{"lifecycle", Name(signals.lifecycle)}}};
    case Lifecycle::kUnspecified:
      break;
  }
  return NextBestAction{Action::kNoAction,
                        "not scored yet: nothing to act on",
                        {{"lifecycle", Name(signals.lifecycle)}}};
}

}  // namespace clienttier::campaign
