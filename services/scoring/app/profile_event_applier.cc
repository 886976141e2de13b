#include "services/scoring/app/profile_event_applier.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "services/scoring/domain/aggregate_change.h"
#include "services/scoring/domain/aggregate_merge.h"

namespace clienttier::scoring {

namespace pv1 = ::clienttier::profile::v1;

namespace {

using ClientsByTenant = std::map<std::string, std::set<std::string>>;

std::vector<std::string> ListOf(const std::set<std::string>& clients) {
  return std::vector<std::string>(clients.begin(), clients.end());
}

int64_t SteadyNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int ProfileEventApplier::Apply(const std::vector<pv1::ProfileEvent>& events) {
  const UnixMicros now = clock_.Now();
  const bool backlog =
      deferral_.backlog_read_size > 0 && events.size() >= deferral_.backlog_read_size;
  std::vector<std::vector<AggregateChange>> changes;  // per event
  changes.reserve(events.size());
  for (const pv1::ProfileEvent& event : events) {
    changes.push_back(AggregateChangesOf(event));
  }
  std::vector<ReadPart> parts = PartsOf(changes);
  int applied = 0;
  while (!parts.empty()) {
    // A whole read holds every partition; parts take first a partition the other consumers are
    // not applying.
    std::vector<int> wanted;
    for (const ReadPart& part : parts) {
      wanted.push_back(part.partition);
    }
    const ClientPartitions::Held held = wanted.front() == ClientPartitions::kEvery
                                            ? partitions_.HoldEvery()
                                            : partitions_.HoldAnyOf(wanted);
    const auto part = std::find_if(parts.begin(), parts.end(), [&](const ReadPart& candidate) {
      return candidate.partition == held.partition();
    });
    applied += ApplyPart(events, changes, part->events, now, backlog);
    parts.erase(part);
  }
  const int64_t applied_ns = SteadyNanos();
  backlog_read_applied_ns_ = backlog ? applied_ns : 0;
  read_applied_ns_ = applied_ns;
  return applied;
}

std::vector<ProfileEventApplier::ReadPart> ProfileEventApplier::PartsOf(
    const std::vector<std::vector<AggregateChange>>& changes) const {
  std::vector<ReadPart> parts;
  const auto whole = [&parts, &changes] {
    parts.assign(1, ReadPart{ClientPartitions::kEvery, {}});
    for (size_t i = 0; i < changes.size(); ++i) {
      parts.front().events.push_back(i);
    }
    return parts;
  };
  if (partitions_.count() == 1) {
    return whole();
  }
  std::vector<std::vector<size_t>> by_partition(static_cast<size_t>(partitions_.count()));
  for (size_t i = 0; i < changes.size(); ++i) {
    int partition = 0;  // an event that changes no client: counted in any part
    for (size_t c = 0; c < changes[i].size(); ++c) {
      const AggregateChange& change = changes[i][c];
      // A merge moves a client's rows onto another, which may be another partition's: the
      // read stays whole (merges are rare).
      if (change.kind == AggregateChange::Kind::kMerged) {
        return whole();
      }
      const int of_change = partitions_.PartitionOf(change.client_id);
      if (c > 0 && of_change != partition) {
        return whole();  // not one client's event: none is today, but never split one
      }
      partition = of_change;
    }
    by_partition[static_cast<size_t>(partition)].push_back(i);
  }
  for (size_t partition = 0; partition < by_partition.size(); ++partition) {
    if (!by_partition[partition].empty()) {
      parts.push_back(ReadPart{static_cast<int>(partition), std::move(by_partition[partition])});
    }
  }
  return parts;
}

int ProfileEventApplier::ApplyPart(const std::vector<pv1::ProfileEvent>& events,
                                   const std::vector<std::vector<AggregateChange>>& changes_of,
                                   const std::vector<size_t>& part, UnixMicros now, bool backlog) {
  int applied = 0;
  ClientsByTenant touched;     // tenant -> clients to rescore now
  ClientsByTenant now_anyway;  // erased and merged clients: rescored now even in a backlog
  // May run again after a deadlock rollback: everything it collects starts afresh.
  transactions_.InTransaction([&](Transaction& transaction) {
    applied = 0;
    touched.clear();
    now_anyway.clear();
    std::vector<std::pair<std::string, std::string>> ids;
    ids.reserve(part.size());
    for (const size_t i : part) {
      ids.emplace_back(events[i].event_id(), events[i].tenant_id());
    }
    const std::vector<bool> fresh = processed_.MarkProcessed(transaction, ids, now);
    std::map<std::string, std::vector<AggregateChange>> changes;  // tenant -> its changes
    // Set-based: per tenant, one write per table for the whole part, however many events.
    const auto apply_changes = [&](const std::string& tenant_id) {
      auto pending = changes.find(tenant_id);
      if (pending != changes.end()) {
        aggregates_.ApplyMany(transaction, tenant_id, MergeAggregateChanges(pending->second), now);
        changes.erase(pending);
      }
    };
    for (size_t k = 0; k < part.size(); ++k) {
      if (!fresh[k]) {
        continue;  // already applied: a redelivery
      }
      const pv1::ProfileEvent& event = events[part[k]];
      ++applied;
      // Updates change nothing scoring reads (no change); a client's recorded batch, one each.
      for (const AggregateChange& change : changes_of[part[k]]) {
        if (!change.client_id.empty()) {
          touched[event.tenant_id()].insert(change.client_id);
          if (change.kind == AggregateChange::Kind::kErased) {
            now_anyway[event.tenant_id()].insert(change.client_id);
          }
        }
        if (change.kind == AggregateChange::Kind::kMerged) {
          // The duplicate's earlier events of this read land on it first, then move with it (a
          // merged duplicate has no later events: client-profile refuses records for it).
          apply_changes(event.tenant_id());
          aggregates_.MergeClients(transaction, event.tenant_id(), change.survivor_id,
                                   change.client_id, now);
          touched[event.tenant_id()].insert(change.survivor_id);
          now_anyway[event.tenant_id()].insert(change.client_id);
          now_anyway[event.tenant_id()].insert(change.survivor_id);
          continue;
        }
        changes[event.tenant_id()].push_back(change);
      }
    }
    while (!changes.empty()) {
      apply_changes(changes.begin()->first);
    }
    // An erased client queued by an earlier backlog read leaves the queue with its score. The
    // queue's rows before the scores' rows, in the order RescoreQueued locks them.
    for (const auto& [tenant_id, clients] : now_anyway) {
      queue_.Remove(transaction, tenant_id, ListOf(clients));
    }
    if (backlog) {
      for (const auto& [tenant_id, clients] : touched) {
        std::vector<std::string> later;
        const std::set<std::string>& anyway = now_anyway[tenant_id];
        for (const std::string& client_id : clients) {
          if (anyway.count(client_id) == 0) {
            later.push_back(client_id);
          }
        }
        queue_.Add(transaction, tenant_id, later, now);
      }
      touched = now_anyway;
    }
    for (const auto& [tenant_id, clients] : touched) {
      if (clients.empty()) {
        continue;
      }
      rescorer_.RescoreMany(transaction, calculator_.LoadContext(transaction, tenant_id, now, true),
                            tenant_id, ListOf(clients), now);
    }
  });
  for (const auto& [tenant_id, clients] : touched) {
    if (!clients.empty()) {
      cache_.Invalidate(tenant_id, ListOf(clients));
    }
  }
  if (backlog) {
    // Counted after the commit: counted before it, another consumer could find the queue empty
    // (these rows still locked, so skipped), record this read as rescored and never take them.
    // Counted per part: a later part that fails must not leave this one's rows unseen.
    ++queued_reads_;
  }
  return applied;
}

int ProfileEventApplier::RescoreQueued(int max_transactions) {
  const uint64_t queued_reads = queued_reads_;
  if (queued_reads == queued_reads_rescored_ ||
      (deferral_.jobs != nullptr && deferral_.jobs->any())) {
    return 0;
  }
  int clients = deferral_.clients_per_transaction;
  std::optional<std::chrono::steady_clock::time_point> budget_ends;
  {
    std::lock_guard<std::mutex> lock(last_rescore_mutex_);
    const auto now = std::chrono::steady_clock::now();
    const auto within = [](int64_t applied_ns, std::chrono::milliseconds limit) {
      return applied_ns != 0 &&
             SteadyNanos() - applied_ns <
                 std::chrono::duration_cast<std::chrono::nanoseconds>(limit).count();
    };
    const bool behind = within(backlog_read_applied_ns_, deferral_.caught_up_after);
    if (behind) {
      if (now - last_rescore_ < deferral_.max_defer) {
        return 0;
      }
      // Still behind: one transaction, so the stream keeps most of the time. Draining 20,000
      // of a 1M-client tenant every 5 s took about half of it (bench/demo-1m), and most of
      // those clients came back to the queue with their next events.
      max_transactions = 1;
    } else if (within(read_applied_ns_, deferral_.quiet_after)) {
      max_transactions = std::numeric_limits<int>::max();
      clients = deferral_.clients_while_reading;
      budget_ends = now + deferral_.drain_budget;
    }
    last_rescore_ = now;
  }
  int rescored = 0;
  try {
    for (int i = 0; i < max_transactions; ++i) {
      const int taken = RescoreQueuedOnce(clients);
      rescored += taken;
      if (taken < clients) {
        // Empty, or another consumer holds the rest. A backlog read that queued after
        // `queued_reads` was read leaves the counts unequal.
        queued_reads_rescored_ = queued_reads;
        break;
      }
      if (budget_ends && std::chrono::steady_clock::now() >= *budget_ends) {
        break;
      }
      // A BatchRescore that started meanwhile takes these clients over, so going on would be
      // work done twice: the drain stops (the queue is left as not drained, so the turn after the
      // job goes on). A fit or a holdout only reads; a drain under way goes on beside them.
      if (deferral_.jobs != nullptr && deferral_.jobs->taking_over_queue()) {
        break;
      }
    }
  } catch (...) {
    // The failed transaction's clients are back in the queue, but another consumer that found
    // them locked meanwhile may have recorded the queue as empty: the counts must differ again,
    // or they would wait for the next backlog read, which a stream gone quiet never brings.
    ++queued_reads_;
    throw;
  }
  return rescored;
}

int ProfileEventApplier::RescoreQueuedOnce(int clients) {
  const UnixMicros now = clock_.Now();
  std::vector<QueuedClients> taken;
  int rescored = 0;
  transactions_.InTransaction([&](Transaction& transaction) {
    rescored = 0;
    taken = queue_.Take(transaction, clients);
    for (const QueuedClients& queued : taken) {
      rescorer_.RescoreMany(transaction,
                            calculator_.LoadContext(transaction, queued.tenant_id, now, true),
                            queued.tenant_id, queued.client_ids, now);
      queue_.Remove(transaction, queued.tenant_id, queued.client_ids);
      rescored += static_cast<int>(queued.client_ids.size());
    }
  });
  for (const QueuedClients& queued : taken) {
    cache_.Invalidate(queued.tenant_id, queued.client_ids);
  }
  return rescored;
}

}  // namespace clienttier::scoring
