#include "services/campaign/domain/holdout.h"

#include "common/errors/domain_error.h"
#include "common/hash/hash.h"

namespace clienttier::campaign {
void CheckHoldoutBp(const std::string& field, int64_t holdout_bp) {
  if (holdout_bp < 0 || holdout_bp > kMaxHoldoutBp) {
    throw InvalidArgument(field, "must be between 0 and " + std::to_string(kMaxHoldoutBp));
  }
}

uint64_t HoldoutHash(std::string_view campaign_id, std::string_view client_id) {
  const char separator = '\0';
  uint64_t state = Fnv1a64(campaign_id);
  state = Fnv1a64(std::string_view(&separator, 1), state);
  state = Fnv1a64(client_id, state);
  return SplitMix64Mix(state);
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
