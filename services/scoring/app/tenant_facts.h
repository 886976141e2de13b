#pragma once

#include <string>
#include <vector>

#include "common/db/transaction.h"
#include "services/scoring/domain/client_facts.h"
#include "services/scoring/domain/exchange_rates.h"
#include "services/scoring/storage/aggregate_repository.h"

namespace clienttier::scoring {

// The facts of the tenant's known, not erased clients as of each of `days`: result[k] as of
// days[k], each in client id order. Read as ranges of the primary key of `clients_per_range` on
// `readers` connections at once (ReadRanges), each range in a read of its own with every day's
// view built from the same rows. What a CLV fit and a holdout validation read: one page after
// another on one connection took ~10 s a view at 1M clients, most of it one core waiting on the
// other.
std::vector<std::vector<ClientFacts>> ReadTenantFacts(TransactionRunner& transactions,
                                                      AggregateRepository& aggregates,
                                                      const std::string& tenant_id,
                                                      const SpendConversion& conversion,
                                                      const std::vector<Day>& days, int readers,
                                                      int clients_per_range = 5000);

}  // namespace clienttier::scoring
