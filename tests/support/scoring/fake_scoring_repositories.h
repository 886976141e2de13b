#pragma once

// In-memory fakes of scoring's storage interfaces, for unit tests of its use cases. Each keeps
// its rows in plain maps, behaves as the MySQL implementation does for what the use cases can
// observe, and counts calls so tests can assert how much work a use case did. Not thread-safe
// (run BatchJobs with max_writes_in_flight = 1 over them), except FakeScoreCache: BatchJobs'
// chunk writers invalidate from their own threads, also over the MySQL repositories.

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <zlib.h>

#include "common/errors/domain_error.h"
#include "common/outbox/outbox_writer.h"
#include "services/scoring/clients/propagation_source.h"
#include "services/scoring/domain/dated_counts.h"
#include "services/scoring/domain/facts_builder.h"
#include "services/scoring/domain/scoring_config.h"
#include "services/scoring/domain/shard.h"
#include "services/scoring/scoring_mapping.h"
#include "services/scoring/storage/aggregate_repository.h"
#include "services/scoring/storage/distribution_repository.h"
#include "services/scoring/storage/exchange_rate_repository.h"
#include "services/scoring/storage/rescore_queue.h"
#include "services/scoring/storage/score_cache.h"
#include "services/scoring/storage/score_repository.h"
#include "services/scoring/storage/version_repository.h"

namespace clienttier::scoring::testing {

// The shard bucket MariaDB stores with a client (migration 005: CRC32(client_id) % 1024),
// computed with zlib's CRC-32, the same polynomial and bit order as MariaDB's CRC32().
inline int ShardBucketOf(const std::string& client_id) {
  const uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(client_id.data()),
                          static_cast<uInt>(client_id.size()));
  return static_cast<int>(crc % static_cast<uLong>(kShardBuckets));
}

// The shard of `shard_count` a client's bucket belongs to.
inline int ShardOfClient(const std::string& client_id, int shard_count) {
  return ShardOfBucket(ShardBucketOf(client_id), shard_count);
}

// Whether a client id is in a batch's range (storage/client_range.h), as the MySQL queries read
// it: after the range's start, up to its end, in one of its buckets when it names any.
inline bool InClientRange(const ClientRange& range, const std::string& client_id) {
  return client_id > range.after_client_id &&
         (!range.last_client_id || client_id <= *range.last_client_id) &&
         (range.buckets.empty() ||
          std::binary_search(range.buckets.begin(), range.buckets.end(), ShardBucketOf(client_id)));
}

// client_aggregates and client_activity_days of every tenant.
class FakeAggregateRepository final : public AggregateRepository {
 public:
  struct Client {
    ActivityCounters counters;
    bool erased = false;
    int64_t acquired_version = 0;
    std::map<std::pair<Day, std::string>, PaidDay> days;  // by (day, currency)
    std::map<Day, InteractionDay> interaction_days;       // by day
  };

  void ApplyMany(Transaction& /*transaction*/, const std::string& tenant_id,
                 const MergedAggregateChanges& changes, UnixMicros /*now*/) override {
    ++apply_calls;
    if (on_apply) {
      on_apply(tenant_id, changes);
    }
    for (const PaidDayDelta& delta : changes.paid_days) {
      PaidDay& day = clients[{tenant_id, delta.client_id}].days[{delta.day, delta.currency}];
      day.day = delta.day;
      day.currency = delta.currency;
      day.purchases += delta.purchases;
      day.sessions += delta.sessions;
      day.spend_minor += delta.spend_minor;
    }
    if (!changes.interaction_days.empty()) {
      ++interaction_day_writes;
    }
    for (const InteractionDayDelta& delta : changes.interaction_days) {
      InteractionDay& day = clients[{tenant_id, delta.client_id}].interaction_days[delta.day];
      day.day = delta.day;
      day.logins += delta.logins;
      day.events_attended += delta.events_attended;
      day.content_uses += delta.content_uses;
      day.shares += delta.shares;
    }
    for (const ClientDelta& delta : changes.clients) {
      Client& client = clients[{tenant_id, delta.client_id}];  // created when missing
      if (delta.last_activity_day) {
        Touch(client, *delta.last_activity_day);
      }
      if (delta.first_activity_day) {
        const Day known = client.counters.first_activity_day;
        client.counters.first_activity_day = known == kNever
                                                 ? *delta.first_activity_day
                                                 : std::min(known, *delta.first_activity_day);
      }
      if (delta.last_login_day) {
        client.counters.last_login_day =
            std::max(client.counters.last_login_day, *delta.last_login_day);
      }
      // logins are counted in a column the facts do not read
      client.counters.events_attended += delta.events_attended;
      client.counters.content_uses += delta.content_uses;
      client.counters.shares += delta.shares;
      client.erased = client.erased || delta.erased;
      if (delta.erased) {  // erasure deletes the dated rows
        client.interaction_days.clear();
        DropReferralsOf(tenant_id, delta.client_id);
      }
      if (delta.acquired_version > client.acquired_version) {
        client.acquired_version = delta.acquired_version;
        client.counters.acquired_day = delta.acquired_day;
        client.counters.acquisition_channel = delta.acquisition_channel;
        client.counters.acquisition_cost_minor = delta.acquisition_cost_minor;
        client.counters.acquisition_cost_currency = delta.acquisition_cost_currency;
      }
    }
  }

  void MergeClients(Transaction& /*transaction*/, const std::string& tenant_id,
                    const std::string& survivor_id, const std::string& duplicate_id,
                    UnixMicros /*now*/) override {
    ++merge_calls;
    Client& survivor = clients[{tenant_id, survivor_id}];
    auto found = clients.find({tenant_id, duplicate_id});
    if (found != clients.end() && !found->second.erased) {
      Client& duplicate = found->second;
      if (duplicate.counters.last_activity_day != kNever) {
        Touch(survivor, duplicate.counters.last_activity_day);
      }
      survivor.counters.last_login_day =
          std::max(survivor.counters.last_login_day, duplicate.counters.last_login_day);
      survivor.counters.events_attended += duplicate.counters.events_attended;
      survivor.counters.content_uses += duplicate.counters.content_uses;
      survivor.counters.shares += duplicate.counters.shares;
      survivor.counters.referrals_sent += duplicate.counters.referrals_sent;
      survivor.counters.referrals_converted += duplicate.counters.referrals_converted;
      for (const auto& [key, day] : duplicate.days) {
        PaidDay& into = survivor.days[key];
        into.day = day.day;
        into.currency = day.currency;
        into.purchases += day.purchases;
        into.sessions += day.sessions;
        into.spend_minor += day.spend_minor;
      }
      for (const auto& [key, day] : duplicate.interaction_days) {
        InteractionDay& into = survivor.interaction_days[key];
        into.day = day.day;
        into.logins += day.logins;
        into.events_attended += day.events_attended;
        into.content_uses += day.content_uses;
        into.shares += day.shares;
      }
    }
    for (auto& [key, referral] : referrals) {
      if (key.first == tenant_id && referral.referrer_client_id == duplicate_id) {
        referral.referrer_client_id = survivor_id;
      }
    }
    Client& duplicate = clients[{tenant_id, duplicate_id}];
    duplicate = Client{};
    duplicate.erased = true;
  }

  std::map<std::string, ClientFacts> LoadFactsFor(Transaction& /*transaction*/,
                                                  const std::string& tenant_id,
                                                  const std::vector<std::string>& client_ids,
                                                  const SpendConversion& conversion,
                                                  Day as_of) override {
    ++load_for_calls;
    std::map<std::string, ClientFacts> facts;
    for (const std::string& client_id : client_ids) {
      const auto found = clients.find({tenant_id, client_id});
      if (found != clients.end() && !found->second.erased) {
        facts.emplace(client_id, FactsOf(client_id, found->second, conversion, as_of));
      }
    }
    return facts;
  }

  std::vector<ClientFacts> LoadFactsPage(Transaction& /*transaction*/, const std::string& tenant_id,
                                         const SpendConversion& conversion, Day as_of, int bucket,
                                         const std::string& after_client_id, int limit) override {
    ++load_page_calls;
    std::vector<ClientFacts> facts;
    for (auto row = clients.upper_bound({tenant_id, after_client_id});
         row != clients.end() && row->first.first == tenant_id &&
         static_cast<int>(facts.size()) < limit;
         ++row) {
      if (row->second.erased ||
          (bucket != kEveryBucket && ShardBucketOf(row->first.second) != bucket)) {
        continue;
      }
      facts.push_back(FactsOf(row->first.second, row->second, conversion, as_of));
    }
    facts_listed += static_cast<int64_t>(facts.size());
    return facts;
  }

  std::optional<std::string> PageEnd(Transaction& /*transaction*/, const std::string& tenant_id,
                                     int bucket, const std::string& after_client_id,
                                     int limit) override {
    int listed = 0;
    for (auto row = clients.upper_bound({tenant_id, after_client_id});
         row != clients.end() && row->first.first == tenant_id; ++row) {
      if (!row->second.erased &&
          (bucket == kEveryBucket || ShardBucketOf(row->first.second) == bucket) &&
          ++listed == limit) {
        return row->first.second;
      }
    }
    return std::nullopt;
  }

  std::vector<ClientFacts> LoadFactsRange(Transaction& /*transaction*/,
                                          const std::string& tenant_id,
                                          const SpendConversion& conversion, Day as_of,
                                          const ClientRange& range) override {
    ++load_range_calls;
    std::vector<ClientFacts> facts;
    for (auto row = clients.upper_bound({tenant_id, range.after_client_id});
         row != clients.end() && row->first.first == tenant_id &&
         (!range.last_client_id || row->first.second <= *range.last_client_id);
         ++row) {
      if (!row->second.erased && InClientRange(range, row->first.second)) {
        facts.push_back(FactsOf(row->first.second, row->second, conversion, as_of));
      }
    }
    facts_listed += static_cast<int64_t>(facts.size());
    return facts;
  }

  std::vector<std::vector<ClientFacts>> LoadFactsRangeAt(Transaction& transaction,
                                                         const std::string& tenant_id,
                                                         const SpendConversion& conversion,
                                                         const std::vector<Day>& days,
                                                         const ClientRange& range) override {
    std::vector<std::vector<ClientFacts>> facts;
    for (const Day day : days) {
      facts.push_back(LoadFactsRange(transaction, tenant_id, conversion, day, range));
    }
    return facts;
  }

  std::vector<ClientHistory> LoadHistoriesRange(Transaction& transaction,
                                                const std::string& tenant_id,
                                                const SpendConversion& conversion, Day as_of,
                                                const ClientRange& range) override {
    std::vector<ClientHistory> histories;
    for (ClientFacts& facts : LoadFactsRange(transaction, tenant_id, conversion, as_of, range)) {
      ClientHistory history;
      for (const auto& [key, day] : clients.at({tenant_id, facts.client_id}).days) {
        history.paid_days.push_back(day);
      }
      history.facts = std::move(facts);
      histories.push_back(std::move(history));
    }
    return histories;
  }

  std::vector<std::pair<int, int64_t>> ClientsPerBucket(Transaction& /*transaction*/,
                                                        const std::string& tenant_id,
                                                        const std::vector<int>& buckets) override {
    std::map<int, int64_t> counts;
    for (const auto& [key, client] : clients) {
      const int bucket = ShardBucketOf(key.second);
      if (key.first == tenant_id && !client.erased &&
          std::find(buckets.begin(), buckets.end(), bucket) != buckets.end()) {
        ++counts[bucket];
      }
    }
    return std::vector<std::pair<int, int64_t>>(counts.begin(), counts.end());
  }

  DatedCountsById LoadDatedCounts(Transaction& /*transaction*/, const std::string& tenant_id,
                                  Day as_of) override {
    ++dated_count_loads;
    DatedCountsById counts;
    for (const auto& [key, client] : clients) {
      if (key.first != tenant_id || client.interaction_days.empty()) {
        continue;
      }
      std::vector<InteractionDay> days;
      for (const auto& [day, row] : client.interaction_days) {
        days.push_back(row);
      }
      DatedCounts summed;
      AddInteractionDays(days, as_of, &summed);
      counts[key.second] = summed;
    }
    std::vector<DatedReferral> tenant_referrals;
    for (const auto& [key, referral] : referrals) {
      if (key.first == tenant_id) {
        tenant_referrals.push_back(referral);
      }
    }
    AddReferrals(tenant_referrals, as_of, &counts);
    return counts;
  }

  void RecordReferrals(Transaction& /*transaction*/, const std::string& tenant_id,
                       const std::vector<DatedReferral>& incoming) override {
    for (const DatedReferral& referral : incoming) {
      const auto [row, inserted] =
          referrals.emplace(std::make_pair(tenant_id, referral.referral_id), referral);
      if (!inserted) {
        row->second = MergeDatedReferrals(row->second, referral);
      }
    }
  }

  // Single-threaded: nothing to wait for; notes the lock in `lock_order`.
  void LockClients(Transaction& /*transaction*/, const std::string& /*tenant_id*/,
                   const std::vector<std::string>& /*client_ids*/) override {
    if (lock_order != nullptr) {
      lock_order->push_back("aggregates");
    }
  }

  void StoreReferralCounts(Transaction& /*transaction*/, const std::string& tenant_id,
                           const std::vector<ClientFacts>& changed) override {
    for (const ClientFacts& facts : changed) {
      const auto found = clients.find({tenant_id, facts.client_id});
      if (found != clients.end()) {
        found->second.counters.referrals_sent = facts.referrals_sent;
        found->second.counters.referrals_converted = facts.referrals_converted;
        ++referral_rows_stored;
      }
    }
  }

  // Test set-up: a client with `purchases` paid days of `spend_minor` each, the last one on
  // `last_day`, one every `gap_days`.
  void AddBuyer(const std::string& tenant_id, const std::string& client_id, int purchases,
                int64_t spend_minor, Day last_day, Day gap_days = 20,
                const std::string& currency = "CNY") {
    Client& client = clients[{tenant_id, client_id}];
    for (int i = 0; i < purchases; ++i) {
      const Day day = last_day - static_cast<Day>(i) * gap_days;
      PaidDay& paid = client.days[{day, currency}];
      paid.day = day;
      paid.currency = currency;
      paid.purchases += 1;
      paid.spend_minor += spend_minor;
    }
    if (purchases > 0) {
      client.counters.last_activity_day = std::max(client.counters.last_activity_day, last_day);
    }
  }

  std::map<std::pair<std::string, std::string>, Client> clients;  // by (tenant, client id)
  // client_referral_dates, by (tenant, referral id)
  std::map<std::pair<std::string, std::string>, DatedReferral> referrals;
  int apply_calls = 0;  // ApplyMany calls: one per tenant of a read
  // Runs first in each ApplyMany, e.g. to note which clients a part of a read wrote.
  std::function<void(const std::string&, const MergedAggregateChanges&)> on_apply;
  int interaction_day_writes = 0;  // ApplyMany calls that wrote interaction days
  int dated_count_loads = 0;       // LoadDatedCounts calls
  int merge_calls = 0;             // MergeClients calls
  int load_for_calls = 0;
  int load_page_calls = 0;
  int64_t facts_listed = 0;  // clients LoadFactsPage and LoadFactsRange returned, over all calls
  int load_range_calls = 0;
  int referral_rows_stored = 0;
  std::vector<std::string>* lock_order = nullptr;  // LockClients appends "aggregates"

 private:
  void DropReferralsOf(const std::string& tenant_id, const std::string& client_id) {
    for (auto it = referrals.begin(); it != referrals.end();) {
      if (it->first.first == tenant_id && it->second.referrer_client_id == client_id) {
        it = referrals.erase(it);
      } else {
        ++it;
      }
    }
  }
  static void Touch(Client& client, Day day) {
    client.counters.last_activity_day = std::max(client.counters.last_activity_day, day);
  }
  static ClientFacts FactsOf(const std::string& client_id, const Client& client,
                             const SpendConversion& conversion, Day as_of) {
    std::vector<PaidDay> days;
    for (const auto& [key, day] : client.days) {
      days.push_back(day);
    }
    return BuildClientFacts(client_id, days, client.counters, conversion, as_of);
  }
};

// exchange_rates of every tenant.
class FakeExchangeRateRepository final : public ExchangeRateRepository {
 public:
  ::clienttier::scoring::v1::ExchangeRate Put(Transaction& /*transaction*/,
                                              const std::string& tenant_id,
                                              ::clienttier::scoring::v1::ExchangeRate rate,
                                              const std::string& author, UnixMicros now) override {
    rate.set_author(author);
    *rate.mutable_updated_at() = ToProtoTimestamp(now);
    rows[{tenant_id, rate.reporting_currency(), rate.currency(),
          FromProtoTimestamp(rate.effective_from())}] = rate;
    return rate;
  }

  std::vector<::clienttier::scoring::v1::ExchangeRate> List(Transaction& /*transaction*/,
                                                            const std::string& tenant_id,
                                                            const std::string& reporting_currency,
                                                            const std::string& currency) override {
    std::vector<::clienttier::scoring::v1::ExchangeRate> found;
    for (const auto& [key, rate] : rows) {
      if (std::get<0>(key) == tenant_id && std::get<1>(key) == reporting_currency &&
          (currency.empty() || std::get<2>(key) == currency)) {
        found.push_back(rate);
      }
    }
    return found;
  }

  // By (tenant, reporting currency, currency, effective_from): the primary key's order.
  std::map<std::tuple<std::string, std::string, std::string, UnixMicros>,
           ::clienttier::scoring::v1::ExchangeRate>
      rows;
};

// scores, tier_history and tier_overrides of every tenant.
class FakeScoreRepository final : public ScoreRepository {
 public:
  using Key = std::pair<std::string, std::string>;  // (tenant, client id)

  std::optional<StoredScore> Get(Transaction& /*transaction*/, const std::string& tenant_id,
                                 const std::string& client_id) override {
    const auto found = scores.find({tenant_id, client_id});
    if (found == scores.end()) {
      return std::nullopt;
    }
    return found->second;
  }

  std::map<std::string, StoredScore> GetForUpdateMany(
      Transaction& /*transaction*/, const std::string& tenant_id,
      const std::vector<std::string>& client_ids) override {
    ++get_for_update_calls;
    std::map<std::string, StoredScore> found;
    for (const std::string& client_id : client_ids) {
      const auto row = scores.find({tenant_id, client_id});
      if (row != scores.end()) {
        found.emplace(client_id, row->second);
      }
    }
    return found;
  }

  void UpsertMany(Transaction& /*transaction*/, const std::string& tenant_id,
                  const std::vector<StoredScore>& stored) override {
    for (const StoredScore& score : stored) {
      scores[{tenant_id, score.score.client_id()}] = score;
      ++upserts_by_client[{tenant_id, score.score.client_id()}];
    }
  }

  void Delete(Transaction& /*transaction*/, const std::string& tenant_id,
              const std::string& client_id) override {
    scores.erase({tenant_id, client_id});
    deleted.push_back({tenant_id, client_id});
  }

  std::map<std::string, PreviousScore> PreviousFor(Transaction& /*transaction*/,
                                                   const std::string& tenant_id,
                                                   const std::vector<std::string>& client_ids) {
    std::map<std::string, PreviousScore> previous;
    for (const std::string& client_id : client_ids) {
      const auto row = scores.find({tenant_id, client_id});
      if (row != scores.end()) {
        previous.emplace(client_id,
                         PreviousScore{row->second.tier_state, row->second.score.churn_warning()});
      }
    }
    return previous;
  }

  std::vector<std::pair<std::string, PreviousScore>> PreviousInRange(
      Transaction& /*transaction*/, const std::string& tenant_id,
      const ClientRange& range) override {
    std::vector<std::pair<std::string, PreviousScore>> previous;
    for (auto row = scores.upper_bound({tenant_id, range.after_client_id});
         row != scores.end() && row->first.first == tenant_id; ++row) {
      if (InClientRange(range, row->first.second)) {
        previous.emplace_back(row->first.second, PreviousScore{row->second.tier_state,
                                                               row->second.score.churn_warning()});
      }
    }
    return previous;
  }

  std::map<std::string, PreviousScore> PreviousForUpdate(
      Transaction& transaction, const std::string& tenant_id,
      const std::vector<std::string>& client_ids) override {
    ++get_for_update_calls;
    if (lock_order != nullptr) {
      lock_order->push_back("scores");
    }
    return PreviousFor(transaction, tenant_id, client_ids);
  }

  void AddTierChanges(Transaction& /*transaction*/, const std::string& tenant_id,
                      const std::vector<v1::TierChange>& changes) override {
    for (const v1::TierChange& change : changes) {
      history.push_back(HistoryRow{next_change_id++, tenant_id, change});
    }
  }

  std::vector<std::pair<int64_t, v1::TierChange>> ListTierChanges(
      Transaction& /*transaction*/, const std::string& tenant_id, UnixMicros since,
      int64_t after_change_id, const std::string& client_id, int limit) override {
    std::vector<std::pair<int64_t, v1::TierChange>> found;
    for (const HistoryRow& row : history) {
      if (row.tenant_id == tenant_id && row.change_id > after_change_id &&
          FromProtoTimestamp(row.change.changed_at()) >= since &&
          (client_id.empty() || row.change.client_id() == client_id) &&
          static_cast<int>(found.size()) < limit) {
        found.emplace_back(row.change_id, row.change);
      }
    }
    return found;
  }

  std::vector<v1::Score> ListChurnWarnings(Transaction& /*transaction*/,
                                           const std::string& tenant_id,
                                           const std::string& after_client_id, int limit) override {
    std::vector<v1::Score> found;
    for (const auto& [key, stored] : scores) {
      if (key.first == tenant_id && key.second > after_client_id && stored.score.churn_warning() &&
          static_cast<int>(found.size()) < limit) {
        found.push_back(stored.score);
      }
    }
    return found;
  }

  void Stream(Transaction& /*transaction*/, const std::string& tenant_id, const ScoreFilter& filter,
              int /*page_size*/, const std::function<bool(v1::Score&&)>& emit) override {
    const auto matches = [](const std::vector<int>& wanted, int value) {
      return wanted.empty() || std::find(wanted.begin(), wanted.end(), value) != wanted.end();
    };
    for (const auto& [key, stored] : scores) {
      const v1::Score& score = stored.score;
      if (key.first != tenant_id || key.second <= filter.after_client_id ||
          !matches(filter.tiers, score.tier()) || !matches(filter.lifecycles, score.lifecycle()) ||
          !matches(filter.quadrants, score.quadrant())) {
        continue;
      }
      v1::Score copy = score;
      if (!emit(std::move(copy))) {
        return;
      }
    }
  }

  std::optional<TierOverrideRecord> GetOverride(Transaction& /*transaction*/,
                                                const std::string& tenant_id,
                                                const std::string& client_id) override {
    const auto found = overrides.find({tenant_id, client_id});
    if (found == overrides.end()) {
      return std::nullopt;
    }
    return found->second;
  }

  std::map<std::string, TierOverrideRecord> OverridesFor(
      Transaction& /*transaction*/, const std::string& tenant_id,
      const std::vector<std::string>& client_ids) override {
    std::map<std::string, TierOverrideRecord> found;
    for (const std::string& client_id : client_ids) {
      const auto row = overrides.find({tenant_id, client_id});
      if (row != overrides.end()) {
        found.emplace(client_id, row->second);
      }
    }
    return found;
  }

  std::map<std::string, TierOverrideRecord> OverridesInRange(Transaction& /*transaction*/,
                                                             const std::string& tenant_id,
                                                             const ClientRange& range) override {
    std::map<std::string, TierOverrideRecord> found;
    for (auto row = overrides.upper_bound({tenant_id, range.after_client_id});
         row != overrides.end() && row->first.first == tenant_id; ++row) {
      if (InClientRange(range, row->first.second)) {
        found.emplace(row->first.second, row->second);
      }
    }
    return found;
  }

  void PutOverride(Transaction& /*transaction*/, const std::string& tenant_id,
                   const std::string& client_id, const v1::TierOverride& tier_override,
                   UnixMicros /*now*/) override {
    TierOverrideRecord record;
    record.rule.mode = static_cast<OverrideMode>(tier_override.mode());
    record.rule.tier = static_cast<Tier>(tier_override.tier());
    // The MySQL row keeps the expiry to the second; the rule compares whole days.
    record.rule.expires_day = FromProtoTimestamp(tier_override.expires_at()) / kMicrosPerDay;
    record.proto = tier_override;
    overrides[{tenant_id, client_id}] = record;
  }

  void ClearOverride(Transaction& /*transaction*/, const std::string& tenant_id,
                     const std::string& client_id) override {
    overrides.erase({tenant_id, client_id});
  }

  // Test set-up: a stored score of `tier` (as a rescore would have left it).
  void SeedScore(const std::string& tenant_id, const std::string& client_id, Tier tier,
                 bool churn_warning = false) {
    StoredScore stored;
    stored.score.set_client_id(client_id);
    stored.score.set_tier(TierToProto(tier));
    stored.score.set_churn_warning(churn_warning);
    stored.tier_state.tier = tier;
    scores[{tenant_id, client_id}] = stored;
  }

  struct HistoryRow {
    int64_t change_id = 0;
    std::string tenant_id;
    v1::TierChange change;
  };

  std::map<Key, StoredScore> scores;
  std::map<Key, TierOverrideRecord> overrides;
  std::vector<HistoryRow> history;
  std::map<Key, int> upserts_by_client;  // how often each client's score was written
  std::vector<Key> deleted;
  int get_for_update_calls = 0;
  std::vector<std::string>* lock_order = nullptr;  // PreviousForUpdate appends "scores"
  int64_t next_change_id = 1;
};

// scoring_configs, clv_models and population_stats of every tenant.
class FakeVersionRepository final : public VersionRepository {
 public:
  v1::ScoringConfig LatestConfig(Transaction& /*transaction*/,
                                 const std::string& tenant_id) override {
    const auto found = configs.find(tenant_id);
    if (found == configs.end() || found->second.empty()) {
      return ConfigToProto(DefaultScoringConfig(), "");
    }
    return found->second.back();
  }

  v1::ScoringConfig PutConfig(Transaction& /*transaction*/, const std::string& tenant_id,
                              v1::ScoringConfig config, int64_t expected_version,
                              const std::string& author, UnixMicros now) override {
    auto& versions = configs[tenant_id];
    const int64_t current = versions.empty() ? 0 : versions.back().version();
    if (current != expected_version) {
      throw DomainError(ErrorKind::kFailedPrecondition, "expected_version: stale");
    }
    config.set_version(current + 1);
    config.set_author(author);
    *config.mutable_created_at() = ToProtoTimestamp(now);
    versions.push_back(config);
    return config;
  }

  std::optional<v1::ClvModel> LatestModel(Transaction& /*transaction*/,
                                          const std::string& tenant_id) override {
    const auto found = models.find(tenant_id);
    if (found == models.end() || found->second.empty()) {
      return std::nullopt;
    }
    return found->second.back();
  }

  v1::ClvModel PutModel(Transaction& /*transaction*/, const std::string& tenant_id,
                        v1::ClvModel model, UnixMicros now) override {
    auto& versions = models[tenant_id];
    model.set_version(static_cast<int64_t>(versions.size()) + 1);
    *model.mutable_fitted_at() = ToProtoTimestamp(now);
    versions.push_back(model);
    return model;
  }

  std::optional<v1::PopulationStats> LatestPopulation(Transaction& /*transaction*/,
                                                      const std::string& tenant_id) override {
    const auto found = populations.find(tenant_id);
    if (found == populations.end() || found->second.empty()) {
      return std::nullopt;
    }
    return found->second.back();
  }

  v1::PopulationStats PutPopulation(Transaction& /*transaction*/, const std::string& tenant_id,
                                    v1::PopulationStats stats, UnixMicros /*now*/) override {
    auto& versions = populations[tenant_id];
    stats.set_version(static_cast<int64_t>(versions.size()) + 1);
    versions.push_back(stats);
    return stats;
  }

  std::map<std::string, std::vector<v1::ScoringConfig>> configs;
  std::map<std::string, std::vector<v1::ClvModel>> models;
  std::map<std::string, std::vector<v1::PopulationStats>> populations;
};

// The distribution read over a FakeScoreRepository's scores.
class FakeDistributionRepository final : public DistributionRepository {
 public:
  explicit FakeDistributionRepository(const FakeScoreRepository& scores) : scores_(scores) {}

  TierDistributionTally Tally(Transaction& /*transaction*/, const std::string& tenant_id) override {
    TierDistributionTally tally;
    for (const auto& [key, stored] : scores_.scores) {
      if (key.first == tenant_id) {
        const v1::Score& score = stored.score;
        tally.Add(score.tier(), score.lifecycle(), score.quadrant(), score.rfm().segment(),
                  score.value_12m().units());
      }
    }
    return tally;
  }

 private:
  const FakeScoreRepository& scores_;
};

// RescoreQueue in a set, as the table orders it (tenant, client); each call takes a lock. Take
// models FOR UPDATE SKIP LOCKED: the rows it returns are `held` until Remove takes them out (the
// commit), and a later Take skips them. `while_taking`, when set, runs once inside the next Take
// with that Take's rows held, e.g. to play a second consumer's turn at that moment; if it
// throws, the rows are released as a rollback would and the exception goes on.
class FakeRescoreQueue final : public RescoreQueue {
 public:
  using Entry = std::pair<std::string, std::string>;  // (tenant, client)

  void Add(Transaction&, const std::string& tenant_id, const std::vector<std::string>& client_ids,
           UnixMicros) override {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    for (const std::string& client_id : client_ids) {
      queued.insert({tenant_id, client_id});
      tokens[{tenant_id, client_id}] = ++last_token;
    }
  }
  std::vector<QueuedClients> Take(Transaction&, int limit) override {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    std::vector<QueuedClients> taken;
    std::vector<Entry> holding;
    for (auto it = queued.begin(); it != queued.end() && static_cast<int>(holding.size()) < limit;
         ++it) {
      if (held.count(*it) != 0) {
        continue;  // SKIP LOCKED
      }
      holding.push_back(*it);
      if (taken.empty() || taken.back().tenant_id != it->first) {
        taken.push_back(QueuedClients{it->first, {}});
      }
      taken.back().client_ids.push_back(it->second);
    }
    held.insert(holding.begin(), holding.end());
    if (while_taking) {
      const std::function<void()> hook = std::move(while_taking);
      while_taking = nullptr;
      try {
        hook();
      } catch (...) {
        for (const Entry& entry : holding) {
          held.erase(entry);
        }
        throw;
      }
    }
    return taken;
  }
  void Remove(Transaction&, const std::string& tenant_id,
              const std::vector<std::string>& client_ids) override {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    for (const std::string& client_id : client_ids) {
      queued.erase({tenant_id, client_id});
      held.erase({tenant_id, client_id});
      tokens.erase({tenant_id, client_id});
    }
  }

  QueueTokens QueuedInRange(Transaction&, const std::string& tenant_id,
                            const ClientRange& range) override {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    QueueTokens found;
    for (const Entry& entry : queued) {
      if (entry.first == tenant_id && InClientRange(range, entry.second)) {
        found.emplace_back(entry.second, tokens[entry]);
      }
    }
    return found;
  }
  void RemoveUnchanged(Transaction& transaction, const std::string& tenant_id,
                       const QueueTokens& read) override {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    for (const auto& [client_id, token] : read) {
      const auto found = tokens.find({tenant_id, client_id});
      if (found != tokens.end() && found->second == token) {
        Remove(transaction, tenant_id, {client_id});
      }
    }
  }

  int64_t Count(Transaction&, int64_t cap) override {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    return std::min(cap, static_cast<int64_t>(queued.size()));
  }

  std::set<Entry> queued;
  std::set<Entry> held;             // taken by a transaction that has not removed them yet
  std::map<Entry, int64_t> tokens;  // each queueing's token: a count, here
  int64_t last_token = 0;
  std::function<void()> while_taking;

 private:
  // BatchJobs' chunk writers remove queued clients on their own threads while a test's
  // progress callback may queue more; Take's hook may call the others on the same thread.
  std::recursive_mutex mutex_;
};

// The score cache: `local` is the in-process copy, `shared` the Redis one. Its methods take a
// lock, as the real cache is thread-safe: BatchJobs' chunk writers call Invalidate at once (two
// writers inserting into `invalidated` unlocked corrupted the heap, and a CI run hung on it). A
// test reads the maps after the calls returned.
class FakeScoreCache final : public ScoreCache {
 public:
  bool GetLocal(const std::string& tenant_id, const std::string& client_id,
                v1::Score* score) override {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto found = local.find(ScoreCacheKey(tenant_id, client_id));
    if (found == local.end()) {
      return false;
    }
    *score = found->second;
    return true;
  }

  // Without markers: a test that wants a stale entry puts it in `shared` itself.
  std::optional<v1::Score> Get(const std::string& tenant_id, const std::string& client_id,
                               CacheMiss* /*miss*/) override {
    std::lock_guard<std::mutex> lock(mutex_);
    ++gets;
    const auto found = shared.find(ScoreCacheKey(tenant_id, client_id));
    if (found == shared.end()) {
      return std::nullopt;
    }
    return found->second;
  }

  void Put(const std::string& tenant_id, const std::string& client_id, const v1::Score& score,
           const CacheMiss& /*miss*/) override {
    std::lock_guard<std::mutex> lock(mutex_);
    shared[ScoreCacheKey(tenant_id, client_id)] = score;
  }

  void Invalidate(const std::string& tenant_id,
                  const std::vector<std::string>& client_ids) override {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const std::string& client_id : client_ids) {
      const std::string key = ScoreCacheKey(tenant_id, client_id);
      shared.erase(key);
      local.erase(key);
      invalidated.insert(key);
    }
  }

  void InvalidateTenant(const std::string& tenant_id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string scope = ScoreCacheScope(tenant_id);
    for (auto* copies : {&shared, &local}) {
      for (auto it = copies->begin(); it != copies->end();) {
        it = it->first.rfind(scope, 0) == 0 ? copies->erase(it) : std::next(it);
      }
    }
    ++tenants_invalidated[tenant_id];
  }

  std::map<std::string, v1::Score> local;
  std::map<std::string, v1::Score> shared;
  std::set<std::string> invalidated;
  std::map<std::string, int> tenants_invalidated;  // InvalidateTenant calls per tenant
  int gets = 0;

 private:
  std::mutex mutex_;
};

// Referral counts from a map; `down` answers nothing, as a source that timed out.
class FakePropagationSource final : public PropagationSource {
 public:
  std::optional<ReferralCountsById> Fetch(const std::string& /*tenant_id*/,
                                          const std::vector<std::string>& client_ids) override {
    ++fetches;
    asked.insert(asked.end(), client_ids.begin(), client_ids.end());
    if (down) {
      return std::nullopt;
    }
    ReferralCountsById found;
    for (const std::string& client_id : client_ids) {
      const auto count = counts.find(client_id);
      if (count != counts.end()) {
        found.emplace(client_id, count->second);
      }
    }
    return found;
  }

  std::optional<ReferralCountsById> FetchRange(
      const std::string& /*tenant_id*/, const std::string& after_client_id,
      const std::optional<std::string>& last_client_id) override {
    ++fetches;
    ranges.emplace_back(after_client_id, last_client_id);
    if (down || !lists_ranges) {
      return std::nullopt;
    }
    ReferralCountsById found;
    for (const auto& [client_id, count] : counts) {
      if (client_id > after_client_id && (!last_client_id || client_id <= *last_client_id)) {
        found.emplace(client_id, count);
      }
    }
    return found;
  }

  ReferralCountsById counts;
  bool down = false;
  bool lists_ranges = true;  // false: a referral older than ListPropagation
  int fetches = 0;
  // Every range asked for: after, last.
  std::vector<std::pair<std::string, std::optional<std::string>>> ranges;
  std::vector<std::string> asked;  // every client id asked for, in order
};

// A clock that says what the test sets.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(UnixMicros at) : now(at) {}
  UnixMicros Now() const override { return now; }
  UnixMicros now;
};

}  // namespace clienttier::scoring::testing
