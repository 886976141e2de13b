#pragma once

#include <cstdint>

namespace clienttier::referral {

// One client's referral funnel as a referrer.
struct ReferrerCounts {
  int64_t invitations_sent = 0;
  int64_t registered = 0;
  int64_t converted = 0;
  bool has_code = false;
};

// What referral shows as a referrer's propagation tier and index: scoring's one definition
// (services/scoring/domain/propagation.h) applied to referral's counts alone. Scoring's score
// also counts the client's shares, events and content uses, which referral does not see, so
// the score's tier can be higher; on the same counts the two are the same.
struct PropagationView {
  int index = 0;  // 0..100, scoring's index rounded to the nearest integer
  int tier = 0;   // the PropagationTier value (the same numbers in both services' protos)
};
PropagationView ViewPropagation(const ReferrerCounts& counts);

// converted / registered, 0 without registrations.
double ConversionRate(int64_t registered, int64_t converted);

// New paying clients per paying client: converted / paying_clients, 0 without paying clients.
double TenantKFactor(int64_t converted, int64_t paying_clients);

}  // namespace clienttier::referral
