#include "services/campaign/domain/holdout.h"

#include "common/errors/domain_error.h"

namespace clienttier::campaign {
namespace {

constexpr uint64_t kFnvPrime = 0x100000001b3ULL;

}  // namespace

void CheckHoldoutBp(const std::string& field, int64_t holdout_bp) {
  if (holdout_bp < 0 || holdout_bp > kMaxHoldoutBp) {
    throw InvalidArgument(field, "must be between 0 and " + std::to_string(kMaxHoldoutBp));
  }
}

uint64_t Fnv1a64(std::string_view bytes, uint64_t state) {
  for (const char c : bytes) {
    // Through unsigned char: a plain char may be signed, and sign extension would change the
    // hash of every non-ASCII byte between platforms.
    state ^= static_cast<unsigned char>(c);
    state *= kFnvPrime;
  }
  return state;
}

uint64_t Mix64(uint64_t value) {
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
  return value ^ (value >> 31);
}

uint64_t HoldoutHash(std::string_view campaign_id, std::string_view client_id) {
  const char separator = '\0';
  uint64_t state = Fnv1a64(campaign_id);
  state = Fnv1a64(std::string_view(&separator, 1), state);
  state = Fnv1a64(client_id, state);
  return Mix64(state);
}

int64_t HoldoutBucket(std::string_view campaign_id, std::string_view client_id) {
  return static_cast<int64_t>(HoldoutHash(campaign_id, client_id) %
                              static_cast<uint64_t>(kBasisPoints));
}

bool InHoldout(std::string_view campaign_id, std::string_view client_id, int64_t holdout_bp) {
  CheckHoldoutBp("holdout_bp", holdout_bp);
  return HoldoutBucket(campaign_id, client_id) < holdout_bp;
}

}  // namespace clienttier::campaign
