#pragma once

#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/scoring/domain/aggregate_change.h"
#include "services/scoring/domain/aggregate_merge.h"
#include "services/scoring/domain/client_facts.h"
#include "services/scoring/domain/dated_counts.h"
#include "services/scoring/domain/exchange_rates.h"
#include "services/scoring/domain/facts_builder.h"
#include "services/scoring/storage/client_range.h"

namespace clienttier::scoring {

// LoadFactsPage over every shard bucket: the whole tenant.
inline constexpr int kEveryBucket = -1;

// A client's facts and the paid-day rows they were built from.
struct ClientHistory {
  ClientFacts facts;
  std::vector<PaidDay> paid_days;
};

// Scoring's per-client aggregates (migration 001): what it keeps from client-profile's events
// instead of the raw transactions. Every method works in the caller's transaction, so an
// event's effects, its dedupe row and the rescore commit together.
class AggregateRepository {
 public:
  virtual ~AggregateRepository() = default;

  // Applies a read's merged changes (see MergeAggregateChanges) to the tenant's aggregates:
  // a statement for the paid days and one for the clients, whatever the read holds; one for
  // the interaction days when the read holds interactions; and when it erases clients, one per
  // dated table deleting their dated rows (interaction days, referrals they sent).
  virtual void ApplyMany(Transaction& transaction, const std::string& tenant_id,
                         const MergedAggregateChanges& changes, UnixMicros now) = 0;

  // A client-profile merge (issue 18 part 5): adds the duplicate's paid days, activity
  // counters and interaction days to the survivor's (creating its row when missing), moves the
  // referrals it sent to the survivor, removes the duplicate's dated rows and leaves its row
  // erased with zero counts. Not idempotent by itself: the caller
  // applies it once per event id, in the same transaction as the dedupe row.
  virtual void MergeClients(Transaction& transaction, const std::string& tenant_id,
                            const std::string& survivor_id, const std::string& duplicate_id,
                            UnixMicros now) = 0;

  // The facts of those of `client_ids` that are known and not erased, by client id.
  virtual std::map<std::string, ClientFacts> LoadFactsFor(
      Transaction& transaction, const std::string& tenant_id,
      const std::vector<std::string>& client_ids, const SpendConversion& conversion, Day as_of) = 0;

  // One page of the facts of the tenant's known, not erased clients in client id order: those
  // after `after_client_id`, at most `limit`, of one shard bucket (domain/shard.h) or of every
  // bucket (kEveryBucket). Keyset pages: each page is a short query, nothing holds the tenant
  // in memory, and a shard reads its own clients' rows only.
  virtual std::vector<ClientFacts> LoadFactsPage(Transaction& transaction,
                                                 const std::string& tenant_id,
                                                 const SpendConversion& conversion, Day as_of,
                                                 int bucket, const std::string& after_client_id,
                                                 int limit) = 0;

  // The last client id of the page LoadFactsPage(bucket, after_client_id, limit) returns: the
  // limit-th known, not erased client after `after_client_id` in client id order (of one shard
  // bucket, or of every bucket: kEveryBucket), or nullopt when fewer remain (that page runs to
  // the end). A short index read: a batch finds its next range here and reads the ranges
  // themselves on several connections at once.
  virtual std::optional<std::string> PageEnd(Transaction& transaction, const std::string& tenant_id,
                                             int bucket, const std::string& after_client_id,
                                             int limit) = 0;

  // The facts of the known, not erased clients of `range`, in the order of the index it reads
  // (client id; shard bucket then client id when the range names buckets): the aggregates and
  // the paid days each read as one range per bucket, never one lookup per client.
  virtual std::vector<ClientFacts> LoadFactsRange(Transaction& transaction,
                                                  const std::string& tenant_id,
                                                  const SpendConversion& conversion, Day as_of,
                                                  const ClientRange& range) = 0;

  // LoadFactsRange's clients as of each of `days`: result[k] as of days[k], every one in the
  // same client order, all from the same two range reads (a holdout validation's two views).
  virtual std::vector<std::vector<ClientFacts>> LoadFactsRangeAt(Transaction& transaction,
                                                                 const std::string& tenant_id,
                                                                 const SpendConversion& conversion,
                                                                 const std::vector<Day>& days,
                                                                 const ClientRange& range) = 0;

  // LoadFactsRange's clients, each with the stored paid-day rows its facts were built from
  // (every day and currency, net of refunds, as kept; any order): what the cohort report counts
  // month by month, read with the facts in the same two range reads.
  virtual std::vector<ClientHistory> LoadHistoriesRange(Transaction& transaction,
                                                        const std::string& tenant_id,
                                                        const SpendConversion& conversion,
                                                        Day as_of, const ClientRange& range) = 0;

  // How many known, not erased clients the tenant has in each of `buckets` that has any, in
  // bucket order: a shard's progress total and how it groups its buckets into ranges.
  virtual std::vector<std::pair<int, int64_t>> ClientsPerBucket(
      Transaction& transaction, const std::string& tenant_id, const std::vector<int>& buckets) = 0;

  // Dated interaction counters and referral counts (migration 008) of the tenant's clients, each
  // summed up to `as_of` (rows after it left out), by client id; clients with none are absent.
  // What a score as of a day counts instead of the running totals (ScoreCalculator::LoadAsOf).
  virtual DatedCountsById LoadDatedCounts(Transaction& transaction, const std::string& tenant_id,
                                          Day as_of) = 0;

  // Keeps the dates of referrals from referral's events: one row per referral, idempotent (a
  // redelivered event writes the same dates again; the earliest day of each kind is kept).
  virtual void RecordReferrals(Transaction& transaction, const std::string& tenant_id,
                               const std::vector<DatedReferral>& referrals) = 0;

  // Keeps the referral service's latest counts of these clients (referrals_sent/_converted).
  virtual void StoreReferralCounts(Transaction& transaction, const std::string& tenant_id,
                                   const std::vector<ClientFacts>& clients) = 0;

  // Locks these clients' aggregate rows, in client order, until the transaction ends.
  virtual void LockClients(Transaction& transaction, const std::string& tenant_id,
                           const std::vector<std::string>& client_ids) = 0;

  // Every known, not erased client of the tenant, ordered by client id (read page by page).
  std::vector<ClientFacts> LoadAllFacts(Transaction& transaction, const std::string& tenant_id,
                                        const SpendConversion& conversion, Day as_of) {
    constexpr int kPage = 5000;
    std::vector<ClientFacts> all;
    for (;;) {
      std::vector<ClientFacts> page =
          LoadFactsPage(transaction, tenant_id, conversion, as_of, kEveryBucket,
                        all.empty() ? std::string() : all.back().client_id, kPage);
      const bool last = page.size() < static_cast<size_t>(kPage);
      all.insert(all.end(), std::make_move_iterator(page.begin()),
                 std::make_move_iterator(page.end()));
      if (last) {
        return all;
      }
    }
  }

  // The facts of one known, not erased client; nullopt otherwise.
  std::optional<ClientFacts> LoadFacts(Transaction& transaction, const std::string& tenant_id,
                                       const std::string& client_id,
                                       const SpendConversion& conversion, Day as_of) {
    std::map<std::string, ClientFacts> found =
        LoadFactsFor(transaction, tenant_id, {client_id}, conversion, as_of);
    if (found.empty()) {
      return std::nullopt;
    }
    return std::move(found.begin()->second);
  }
};

}  // namespace clienttier::scoring
