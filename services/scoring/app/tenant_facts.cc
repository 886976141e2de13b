#include "services/scoring/app/tenant_facts.h"

#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

#include "services/scoring/app/read_ranges.h"

namespace clienttier::scoring {

std::vector<std::vector<ClientFacts>> ReadTenantFacts(TransactionRunner& transactions,
                                                      AggregateRepository& aggregates,
                                                      const std::string& tenant_id,
                                                      const SpendConversion& conversion,
                                                      const std::vector<Day>& days, int readers,
                                                      int clients_per_range) {
  const ReadRanges::PageEnd page_end = [&](int bucket, const std::string& after, int limit) {
    std::optional<std::string> last;
    transactions.Read([&](Transaction& transaction) {
      last = aggregates.PageEnd(transaction, tenant_id, bucket, after, limit);
    });
    return last;
  };
  ReadRanges ranges(page_end, clients_per_range);
  std::mutex mutex;
  std::map<size_t, std::vector<std::vector<ClientFacts>>> pages;  // by range index; guarded
  ReadEachRange(ranges, readers, [&](size_t index, const ClientRange& range) {
    std::vector<std::vector<ClientFacts>> page;
    transactions.Read([&](Transaction& transaction) {
      page = aggregates.LoadFactsRangeAt(transaction, tenant_id, conversion, days, range);
    });
    std::lock_guard<std::mutex> lock(mutex);
    pages.emplace(index, std::move(page));
  });
  std::vector<std::vector<ClientFacts>> facts(days.size());
  for (auto& [index, page] : pages) {
    for (size_t k = 0; k < days.size(); ++k) {
      facts[k].insert(facts[k].end(), std::make_move_iterator(page[k].begin()),
                      std::make_move_iterator(page[k].end()));
    }
  }
  return facts;
}

}  // namespace clienttier::scoring
