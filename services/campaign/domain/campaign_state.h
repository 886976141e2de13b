#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/time/utc_time.h"

namespace clienttier::campaign {

// The channels of clienttier.common.v1.ContactChannel, the ones consent is given for.
enum class Channel {
  kUnspecified = 0,
  kEmail = 1,
  kSms = 2,
  kPhone = 3,
  kPush = 4,
  kMessaging = 5,
  kPost = 6,
};
// "email", "sms", "phone", "push", "messaging", "post" ("unspecified").
const char* Name(Channel channel);

// draft --launch--> launched <--pause/resume--> paused
// launched, paused --complete--> completed
// draft --cancel--> cancelled
// A draft that is dropped never had an audience or outcomes, so it gets its own end state
// instead of passing for a completed campaign with an empty report. Completed and cancelled are
// final: a campaign that ran is relaunched as a new campaign (a new id, so a new holdout).
enum class CampaignState {
  kUnspecified = 0,
  kDraft = 1,
  kLaunched = 2,
  kPaused = 3,
  kCompleted = 4,
  kCancelled = 5,
};
const char* Name(CampaignState state);

bool IsFinal(CampaignState state);
// Only the arrows above; staying in the same state is not a transition (a handler that wants
// retries to be idempotent answers them before asking).
bool CanTransition(CampaignState from, CampaignState to);
// Throws FailedPrecondition("campaign is completed; cannot move it to launched") when
// CanTransition is false.
void CheckTransition(CampaignState from, CampaignState to);

// What the offer is worth to the client, e.g. 5000 minor units of CNY off.
struct OfferValue {
  int64_t amount_minor = 0;
  std::string currency;  // ISO 4217
};

struct Offer {
  std::string text;  // may be empty: a campaign can carry content, not an offer
  std::optional<OfferValue> value;
};

// UTC; the campaign may contact clients while start_at <= now <= end_at.
struct Schedule {
  UnixMicros start_at = 0;
  UnixMicros end_at = 0;
};

struct CampaignDefinition {
  std::string name;
  Channel channel = Channel::kUnspecified;
  Offer offer;
  Schedule schedule;
  int64_t holdout_bp = 0;  // 0..5000, see holdout.h
};

inline constexpr size_t kMaxNameCharacters = 200;
inline constexpr size_t kMaxOfferTextCharacters = 500;
// Ten billion major units: larger offers are typos.
inline constexpr int64_t kMaxOfferAmountMinor = 1'000'000'000'000;

// Throws InvalidArgument for the first broken rule, the field prefixed by `field`:
//   name               1..200 characters (code points of valid UTF-8), not only blanks
//   channel            required
//   offer.text         0..500 characters
//   offer.value.amount_minor  1..kMaxOfferAmountMinor, when a value is given
//   offer.value.currency      a known ISO 4217 code
//   schedule.start_at  set (after the epoch)
//   schedule.end_at    not before schedule.start_at
//   holdout_bp         0..5000
void ValidateCampaignDefinition(const CampaignDefinition& definition,
                                const std::string& field = "campaign");

}  // namespace clienttier::campaign
