#pragma once

#include "services/scoring/storage/aggregate_repository.h"

namespace clienttier::scoring {

// AggregateRepository over client_aggregates, client_activity_days and the dated counters
// (client_interaction_days, client_referral_dates).
class MySqlAggregateRepository final : public AggregateRepository {
 public:
  void ApplyMany(Transaction& transaction, const std::string& tenant_id,
                 const MergedAggregateChanges& changes, UnixMicros now) override;
  // In mysql_aggregate_merge.cc.
  void MergeClients(Transaction& transaction, const std::string& tenant_id,
                    const std::string& survivor_id, const std::string& duplicate_id,
                    UnixMicros now) override;
  std::map<std::string, ClientFacts> LoadFactsFor(Transaction& transaction,
                                                  const std::string& tenant_id,
                                                  const std::vector<std::string>& client_ids,
                                                  const SpendConversion& conversion,
                                                  Day as_of) override;
  std::vector<ClientFacts> LoadFactsPage(Transaction& transaction, const std::string& tenant_id,
                                         const SpendConversion& conversion, Day as_of, int bucket,
                                         const std::string& after_client_id, int limit) override;
  std::optional<std::string> PageEnd(Transaction& transaction, const std::string& tenant_id,
                                     int bucket, const std::string& after_client_id,
                                     int limit) override;
  std::vector<ClientFacts> LoadFactsRange(Transaction& transaction, const std::string& tenant_id,
                                          const SpendConversion& conversion, Day as_of,
                                          const ClientRange& range) override;
  std::vector<std::vector<ClientFacts>> LoadFactsRangeAt(Transaction& transaction,
                                                         const std::string& tenant_id,
                                                         const SpendConversion& conversion,
                                                         const std::vector<Day>& days,
                                                         const ClientRange& range) override;
  std::vector<ClientHistory> LoadHistoriesRange(Transaction& transaction,
                                                const std::string& tenant_id,
                                                const SpendConversion& conversion, Day as_of,
                                                const ClientRange& range) override;
  std::vector<std::pair<int, int64_t>> ClientsPerBucket(Transaction& transaction,
                                                        const std::string& tenant_id,
                                                        const std::vector<int>& buckets) override;
  DatedCountsById LoadDatedCounts(Transaction& transaction, const std::string& tenant_id,
                                  Day as_of) override;
  void RecordReferrals(Transaction& transaction, const std::string& tenant_id,
                       const std::vector<DatedReferral>& referrals) override;
  void LockClients(Transaction& transaction, const std::string& tenant_id,
                   const std::vector<std::string>& client_ids) override;
  void StoreReferralCounts(Transaction& transaction, const std::string& tenant_id,
                           const std::vector<ClientFacts>& clients) override;
};

}  // namespace clienttier::scoring
