#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace clienttier::campaign {

// Holdout shares are basis points of the eligible audience: 1000 = 10%. Half the audience is the
// most a holdout may take; beyond that the campaign would mostly be measuring itself.
inline constexpr int64_t kBasisPoints = 10'000;
inline constexpr int64_t kMaxHoldoutBp = 5'000;

// Throws InvalidArgument(field, "must be between 0 and 5000") outside 0..kMaxHoldoutBp.
void CheckHoldoutBp(const std::string& field, int64_t holdout_bp);

// The holdout hash is part of the data: a client's group must not move when the service is
// rebuilt, ported or rewritten, or a relaunched campaign would contact its own holdout. So it
// is spelled out here byte for byte, with no std::hash (which differs between library versions):
//
//   h = FNV-1a 64 over the bytes of campaign_id, one 0x00 byte, the bytes of client_id
//       (offset basis 0xcbf29ce484222325, prime 0x100000001b3; common/hash)
//   HoldoutHash = SplitMix64Mix(h)   (SplitMix64's output function, common/hash)
//
// FNV-1a alone leaves the low bits poorly mixed for inputs that differ in their last bytes
// (c-000041, c-000042, ...), and the bucket is taken from them, hence the finaliser. The 0x00
// separator keeps ("ab", "c") and ("a", "bc") apart; ids never contain NUL (CheckId allows only
// [A-Za-z0-9_.:-]). Changing any of this is a data migration, which the pinned values in
// holdout_test.cc exist to catch.
uint64_t HoldoutHash(std::string_view campaign_id, std::string_view client_id);

// HoldoutHash % 10000, in 0..9999. (2^64 is not a multiple of 10000, but the bias that leaves is
// below 1e-15 per bucket.)
int64_t HoldoutBucket(std::string_view campaign_id, std::string_view client_id);

// In the holdout iff bucket < holdout_bp, so raising a campaign's share only adds members and
// never moves one out. Throws as CheckHoldoutBp("holdout_bp", ...) for a share out of range.
bool InHoldout(std::string_view campaign_id, std::string_view client_id, int64_t holdout_bp);

}  // namespace clienttier::campaign
