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
  if (!counts) {
    return;
  }
  std::vector<ClientFacts> changed;
  for (ClientFacts& client : *facts) {
    const auto found = counts->find(client.client_id);
    if (found != counts->end() && ApplyReferralCounts(found->second, &client)) {
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
