#include "services/scoring/app/config_admin.h"

#include <optional>

#include "common/errors/domain_error.h"

namespace clienttier::scoring {

v1::ScoringConfig ConfigAdmin::GetScoringConfig(const std::string& tenant_id) {
  v1::ScoringConfig config;
  transactions_.Read(
      [&](Transaction& transaction) { config = versions_.LatestConfig(transaction, tenant_id); });
  return config;
}

v1::ScoringConfig ConfigAdmin::PutScoringConfig(const std::string& tenant_id,
                                                const v1::ScoringConfig& config,
                                                int64_t expected_version,
                                                const std::string& author) {
  const UnixMicros now = clock_.Now();
  v1::ScoringConfig stored;
  transactions_.InTransaction([&](Transaction& transaction) {
    stored = versions_.PutConfig(transaction, tenant_id, config, expected_version, author, now);
  });
  return stored;
}

v1::Score ConfigAdmin::SetTierOverride(const std::string& tenant_id, const std::string& client_id,
                                       const v1::TierOverride* tier_override, UnixMicros now) {
  std::optional<v1::Score> score;
  transactions_.InTransaction([&](Transaction& transaction) {
    if (tier_override == nullptr) {
      scores_.ClearOverride(transaction, tenant_id, client_id);
    } else {
      scores_.PutOverride(transaction, tenant_id, client_id, *tier_override, now);
    }
    score = rescorer_.RescoreOne(transaction, tenant_id, client_id, now);
    if (!score) {
      throw NotFound("client '" + client_id + "' is not known to scoring");
    }
  });
  cache_.Invalidate(tenant_id, {client_id});
  return *score;
}

}  // namespace clienttier::scoring
