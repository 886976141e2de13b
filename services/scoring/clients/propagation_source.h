#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace clienttier::scoring {

// A client's referral counts as the referral service reports them.
struct ReferralCounts {
  int64_t sent = 0;       // invitations sent, or at least the referees who registered
  int64_t converted = 0;  // referees who paid
};

using ReferralCountsById = std::unordered_map<std::string, ReferralCounts>;

// Where scoring learns referral influence (the referral service's GetPropagation). Nothing
// when the source is down or slow: scoring then keeps the last counts it stored.
class PropagationSource {
 public:
  virtual ~PropagationSource() = default;
  virtual std::optional<ReferralCountsById> Fetch(const std::string& tenant_id,
                                                  const std::vector<std::string>& client_ids) = 0;
  // The counts of the tenant's clients after `after_client_id` and at most `last_client_id`
  // (none: to the last) that have any; a client of the range that is not listed has none.
  // Nothing when the source is down, or cannot list a range (a referral older than
  // ListPropagation): the caller then asks for its clients by id (Fetch).
  virtual std::optional<ReferralCountsById> FetchRange(
      const std::string& tenant_id, const std::string& after_client_id,
      const std::optional<std::string>& last_client_id) = 0;
};

}  // namespace clienttier::scoring
