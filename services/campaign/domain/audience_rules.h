#pragma once

#include <cstdint>
#include <map>

#include "services/campaign/domain/campaign_state.h"

namespace clienttier::campaign {

// Why a client of the segment is or is not in a launched campaign's treatment group.
enum class AudienceReason {
  kIncluded = 0,
  kErased = 1,        // personal data erased: never processed further
  kNoConsent = 2,     // marketing consent for the campaign's channel denied or never recorded
  kHoldout = 3,       // drawn into the holdout: kept out on purpose, to measure the campaign
  kFrequencyCap = 4,  // would exceed a cross-campaign frequency cap
};
// "included", "erased", "no_consent", "holdout", "frequency_cap".
const char* Name(AudienceReason reason);

struct AudienceCandidate {
  bool erased = false;
  // Recorded consents by channel: true granted, false withdrawn. A channel missing here was
  // never asked, which for marketing is the same as no: consent must be given, not assumed.
  std::map<Channel, bool> consents;
  bool in_holdout = false;  // InHoldout(campaign id, client id, holdout_bp)
  // CheckContact(caps, contacts, now).allowed. False until set, so a caller that forgets it
  // contacts too few clients rather than too often.
  bool cap_allows = false;
};

// First match wins, in this order:
//   1. erased         nothing else about the client may be looked at
//   2. no consent     the holdout must be drawn from clients the campaign could contact;
//                     holding out someone who could never be treated would make the holdout
//                     a different population from the treatment group
//   3. holdout        before the cap, so the holdout is a random sample of every eligible
//                     client (capped ones included) and a client's group does not change when
//                     a relaunch finds a different contact history; a holdout member is not
//                     contacted, so it consumes no contact and its cap does not matter
//   4. frequency cap  last, as it is the only check that depends on other campaigns
// Because of (3) the capped clients are part of the population the holdout represents; a report
// that wants like for like compares holdout against treatment plus capped (intention to treat).
AudienceReason DecideAudience(const AudienceCandidate& candidate, Channel channel);

// True when checks 1 to 3 pass, so the caller needs the contact history (and
// candidate.cap_allows) only for these clients.
bool NeedsCapCheck(const AudienceCandidate& candidate, Channel channel);

// Counts per reason, for a launch and for its dry run (simulate).
struct AudienceCounts {
  int64_t included = 0;
  int64_t erased = 0;
  int64_t no_consent = 0;
  int64_t holdout = 0;
  int64_t frequency_cap = 0;

  void Add(AudienceReason reason);
  int64_t Count(AudienceReason reason) const;
  int64_t Total() const;  // every candidate seen
};

}  // namespace clienttier::campaign
