#include "services/scoring/app/rescorer.h"

#include <exception>
#include <functional>
#include <thread>
#include <utility>
#include <vector>

namespace clienttier::scoring {

namespace {

// Below this many clients one thread does it: a read that small is not the backlog case, and
// a thread start is not worth it.
constexpr size_t kParallelFrom = 256;

// Runs work(begin, end) over [0, n) in two slices, the second on its own thread; an exception
// of either slice is rethrown after both finished.
void InTwoSlices(size_t n, const std::function<void(size_t, size_t)>& work) {
  if (n < kParallelFrom || std::thread::hardware_concurrency() < 2) {
    work(0, n);
    return;
  }
  const size_t half = n / 2;
  std::exception_ptr second_error;
  std::thread second([&] {
    try {
      work(half, n);
    } catch (...) {
      second_error = std::current_exception();
    }
  });
  std::exception_ptr first_error;
  try {
    work(0, half);
  } catch (...) {
    first_error = std::current_exception();
  }
  second.join();
  if (first_error) {
    std::rethrow_exception(first_error);
  }
  if (second_error) {
    std::rethrow_exception(second_error);
  }
}

}  // namespace

bool ApplyReferralCounts(const ReferralCounts& counts, ClientFacts* facts) {
  if (facts->referrals_sent == counts.sent && facts->referrals_converted == counts.converted) {
    return false;
  }
  facts->referrals_sent = counts.sent;
  facts->referrals_converted = counts.converted;
  return true;
}

std::optional<v1::Score> Rescorer::RescoreOne(Transaction& transaction,
                                              const std::string& tenant_id,
                                              const std::string& client_id, UnixMicros now,
                                              const ReferralCountsById* referral) const {
  std::map<std::string, v1::Score> scores;
  RescoreInto(transaction, calculator_.LoadContext(transaction, tenant_id, now, true), tenant_id,
              {client_id}, now, referral, &scores);
  if (scores.empty()) {
    return std::nullopt;
  }
  return std::move(scores.begin()->second);
}

size_t Rescorer::RescoreMany(Transaction& transaction, const TenantContext& context,
                             const std::string& tenant_id,
                             const std::vector<std::string>& client_ids, UnixMicros now,
                             const ReferralCountsById* referral) const {
  return RescoreInto(transaction, context, tenant_id, client_ids, now, referral, nullptr);
}

size_t Rescorer::RescoreInto(Transaction& transaction, const TenantContext& context,
                             const std::string& tenant_id,
                             const std::vector<std::string>& client_ids, UnixMicros now,
                             const ReferralCountsById* referral,
                             std::map<std::string, v1::Score>* scores) const {
  // Referral counts are stored into the aggregate rows: those are locked before the scores, in
  // the order the profile consumers take them (their reads write aggregates, then lock scores).
  // Scores first crossed that order, and every 20,000-client demo run had deadlocks between
  // the referral consumer and a profile consumer that outlasted their three attempts.
  if (referral != nullptr) {
    aggregates_.LockClients(transaction, tenant_id, client_ids);
  }
  // The score rows are locked next, before any facts are read: a concurrent rescore of one of
  // these clients (another consumer or replica applying its events, ScoreClient, a referral
  // event) either committed already, and the facts read below include its changes, or waits
  // here until this transaction commits. Read committed (MySqlPool's sessions), so each read
  // below sees what committed before it, not a snapshot from the transaction's start.
  const std::map<std::string, PreviousScore> stored =
      scores_.PreviousForUpdate(transaction, tenant_id, client_ids);
  std::map<std::string, ClientFacts> facts = aggregates_.LoadFactsFor(
      transaction, tenant_id, client_ids, context.conversion, ModelDayOf(now));
  if (referral != nullptr) {
    std::vector<ClientFacts> changed;
    for (auto& [client_id, client] : facts) {
      const auto counts = referral->find(client_id);
      if (counts != referral->end() && ApplyReferralCounts(counts->second, &client)) {
        changed.push_back(client);
      }
    }
    aggregates_.StoreReferralCounts(transaction, tenant_id, changed);
  }
  const std::map<std::string, TierOverrideRecord> overrides =
      scores_.OverridesFor(transaction, tenant_id, client_ids);
  // Computing is pure and the rows are locked already: the clients are computed in two slices
  // in parallel (the other core idles while this transaction holds its locks), then collected
  // in client order, so the writes and events are as one thread would make them.
  std::vector<const std::pair<const std::string, ClientFacts>*> clients;
  clients.reserve(facts.size());
  for (const auto& entry : facts) {
    clients.push_back(&entry);
  }
  std::vector<ComputedScore> computed(clients.size());
  const auto compute = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      const std::string& client_id = clients[i]->first;
      const auto found_previous = stored.find(client_id);
      std::optional<TierOverrideRecord> record;
      if (const auto found = overrides.find(client_id); found != overrides.end()) {
        record = found->second;
      }
      // The stored score carries no explanation text: ExplainScore computes its own.
      computed[i] = calculator_.Compute(
          context, clients[i]->second,
          found_previous == stored.end() ? TierState{} : found_previous->second.tier_state, record,
          now, ScoreDetail::kScoreOnly);
    }
  };
  InTwoSlices(clients.size(), compute);
  ScoreChanges changes;
  for (size_t i = 0; i < clients.size(); ++i) {
    const std::string& client_id = clients[i]->first;
    const auto found_previous = stored.find(client_id);
    const PreviousScore* previous =
        found_previous == stored.end() ? nullptr : &found_previous->second;
    if (scores != nullptr) {
      CollectScoreChanges(tenant_id, computed[i], previous, now, &changes);
      scores->emplace(client_id, std::move(computed[i].proto));
    } else {
      CollectScoreChanges(tenant_id, std::move(computed[i]), previous, now, &changes);
    }
  }
  for (const auto& [client_id, score] : stored) {
    if (facts.count(client_id) == 0) {
      scores_.Delete(transaction, tenant_id, client_id);  // erased: no score to target
    }
  }
  writer_.Write(transaction, tenant_id, changes);
  return clients.size();
}

}  // namespace clienttier::scoring
