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

enum class PropagationTier { kSilent = 1, kParticipant = 2, kContributor = 3, kSpreader = 4 };

// Spreader: at least two converted referees; contributor: at least one registered;
// participant: holds a code or sent an invitation; silent otherwise.
inline constexpr int64_t kSpreaderMinConverted = 2;
PropagationTier ClassifyPropagation(const ReferrerCounts& counts);

// 0..100. A converted referee brings a paying client, so it weighs most, then a registration,
// then an invitation: points = 10*converted + 3*registered + invitations, and the index
// saturates (20 points -> 50) so the busiest few do not flatten everyone else to zero.
// Counts below zero are taken as zero.
int PropagationIndex(const ReferrerCounts& counts);

// converted / registered, 0 without registrations.
double ConversionRate(int64_t registered, int64_t converted);

// New paying clients per paying client: converted / paying_clients, 0 without paying clients.
double TenantKFactor(int64_t converted, int64_t paying_clients);

}  // namespace clienttier::referral
