#include "services/scoring/app/referral_counts.h"

#include <algorithm>
#include <optional>

#include "services/scoring/app/rescorer.h"

namespace clienttier::scoring {

void ReferralCountsRefresher::Refresh(const std::string& tenant_id,
                                      std::vector<ClientFacts>* facts) const {
  if (source_ == nullptr || facts->empty()) {
    return;
  }
  std::vector<std::string> client_ids;
  client_ids.reserve(facts->size());
  for (const ClientFacts& client : *facts) {
    client_ids.push_back(client.client_id);
  }
  const std::optional<ReferralCountsById> counts = source_->Fetch(tenant_id, client_ids);
  if (counts) {
    Store(tenant_id, *counts, /*unlisted_have_none=*/false, facts);
  }
}

void ReferralCountsRefresher::RefreshRange(const std::string& tenant_id, const ClientRange& range,
                                           std::vector<ClientFacts>* facts) const {
  if (source_ == nullptr || facts->empty()) {
    return;
  }
  const std::optional<ReferralCountsById> counts =
      source_->FetchRange(tenant_id, range.after_client_id, range.last_client_id);
  if (counts) {
    Store(tenant_id, *counts, /*unlisted_have_none=*/true, facts);
  } else {
    Refresh(tenant_id, facts);  // by id; nothing either when the source is down
  }
}

void ReferralCountsRefresher::Store(const std::string& tenant_id, const ReferralCountsById& counts,
                                    bool unlisted_have_none,
                                    std::vector<ClientFacts>* facts) const {
  std::vector<ClientFacts> changed;
  for (ClientFacts& client : *facts) {
    const auto found = counts.find(client.client_id);
    if (found == counts.end() && !unlisted_have_none) {
      continue;
    }
    if (ApplyReferralCounts(found == counts.end() ? ReferralCounts{} : found->second, &client)) {
      changed.push_back(client);
    }
  }
  constexpr size_t kRowsPerTransaction = 1000;
  for (size_t begin = 0; begin < changed.size(); begin += kRowsPerTransaction) {
    const size_t end = std::min(changed.size(), begin + kRowsPerTransaction);
    const std::vector<ClientFacts> slice(changed.begin() + static_cast<std::ptrdiff_t>(begin),
                                         changed.begin() + static_cast<std::ptrdiff_t>(end));
    transactions_.InTransaction([&](Transaction& transaction) {
      aggregates_.StoreReferralCounts(transaction, tenant_id, slice);
    });
  }
}

}  // namespace clienttier::scoring
