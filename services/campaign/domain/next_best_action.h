#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/campaign/domain/score_labels.h"

namespace clienttier::campaign {

// Scoring's classifications, as segment members keep them (score_labels.h).
using ClientTier = ScoreTier;
using Lifecycle = ScoreLifecycle;
using Propagation = ScorePropagation;
// "T1", "T2", "T3", "unknown"; "onboarding", ...; "contributor", ... as scoring spells them.
const char* Name(ClientTier tier);
const char* Name(Lifecycle lifecycle);
const char* Name(Propagation propagation);

enum class Action {
  kNoAction = 0,      // no playbook step fits this client
  kRespectQuiet = 1,  // a step might fit, but the client is not to be approached now
  kPersonalOutreach = 2,
  kWelcomeFollowUp = 3,
  kCrossSell = 4,
  kReferralInvitation = 5,
  kMemberEvent = 6,
  kValueContent = 7,
};
// "no_action", "respect_quiet", "personal_outreach", "welcome_follow_up", "cross_sell",
// "referral_invitation", "member_event", "value_content".
const char* Name(Action action);

// What is known about one (not erased) client.
struct ClientSignals {
  ClientTier tier = ClientTier::kUnspecified;
  Lifecycle lifecycle = Lifecycle::kUnspecified;
  bool churn_warning = false;
  std::string churn_reason;                    // scoring's sentence; may be empty
  std::vector<std::string> interest_tags;      // in the order to try them
  std::vector<std::string> bought_categories;  // transaction categories bought so far
  Propagation propagation = Propagation::kUnspecified;
  std::optional<int64_t> days_since_last_contact;  // any campaign, any channel; nullopt: never
  bool has_marketing_consent = false;              // granted on at least one channel
  std::optional<double> p_alive;
  // Among the clients who spent the most (scoring's premium spend tier): a win-back is worth a
  // person's time.
  bool high_past_value = false;
};

struct Evidence {
  std::string key;
  std::string value;
};

struct NextBestAction {
  Action action = Action::kNoAction;
  std::string reason;              // one sentence for the counsellor
  std::vector<Evidence> evidence;  // the signals the decision rests on, in a fixed order
};

// Marketing leaves a client alone for this long after any contact.
inline constexpr int64_t kQuietDays = 7;

// First match wins:
//   1. churn warning and tier T1/T2 -> personal outreach. Before consent and quiet: a call from
//      the client's own counsellor about their service is service, not marketing, and losing a
//      top client costs more than one unwelcome call. Scoring only warns T1/T2; a warning on
//      any other tier is ignored here.
//   2. no marketing consent on any channel -> respect quiet
//   3. contacted fewer than kQuietDays days ago -> respect quiet
//   4. by lifecycle:
//        onboarding -> welcome follow-up
//        growth     -> cross-sell the first interest tag not among the bought categories;
//                      none left -> member event: the client is active and has bought what we
//                      know they want, so deepen the relationship (events also make a
//                      participant of a silent client) rather than send content they do not
//                      need yet; value content is the dormant play
//        mature     -> referral invitation when propagation is contributor or spreader, or the
//                      tier is T1 (the best advocates even before they have shared); else
//                      member event
//        dormant    -> value content; never an offer, whatever the tier
//        churned    -> win-back, following the seeds: a personal note from their counsellor
//                      for a client of high past value; for the others low-pressure content
//                      that wakes them up (内容唤醒), never an offer
//        prospect, unknown -> no action, with its reason (acquisition campaigns reach
//                      prospects; an unscored client has nothing to act on yet)
// p_alive is evidence only: scoring already used it for the lifecycle stage and the churn
// warning, and weighing it again here would count it twice.
NextBestAction DecideNextBestAction(const ClientSignals& signals);

}  // namespace clienttier::campaign
