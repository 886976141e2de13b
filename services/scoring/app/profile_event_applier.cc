#include "services/scoring/app/profile_event_applier.h"

#include <map>
#include <set>
#include <string>
#include <utility>

#include "services/scoring/domain/aggregate_change.h"
#include "services/scoring/domain/aggregate_merge.h"

namespace clienttier::scoring {

namespace pv1 = ::clienttier::profile::v1;

int ProfileEventApplier::Apply(const std::vector<pv1::ProfileEvent>& events) {
  const UnixMicros now = clock_.Now();
  int applied = 0;
  std::map<std::string, std::set<std::string>> touched;  // tenant -> clients
  // May run again after a deadlock rollback: everything it collects starts afresh.
  transactions_.InTransaction([&](Transaction& transaction) {
    applied = 0;
    touched.clear();
    std::vector<std::pair<std::string, std::string>> ids;
    ids.reserve(events.size());
    for (const pv1::ProfileEvent& event : events) {
      ids.emplace_back(event.event_id(), event.tenant_id());
    }
    const std::vector<bool> fresh = processed_.MarkProcessed(transaction, ids, now);
    std::map<std::string, std::vector<AggregateChange>> changes;  // tenant -> its changes
    // Set-based: per tenant, one write per table for the whole read, however many events.
    const auto apply_changes = [&](const std::string& tenant_id) {
      auto pending = changes.find(tenant_id);
      if (pending != changes.end()) {
        aggregates_.ApplyMany(transaction, tenant_id, MergeAggregateChanges(pending->second), now);
        changes.erase(pending);
      }
    };
    for (size_t i = 0; i < events.size(); ++i) {
      if (!fresh[i]) {
        continue;  // already applied: a redelivery
      }
      const pv1::ProfileEvent& event = events[i];
      ++applied;
      AggregateChange change = AggregateChangeOf(event);
      if (change.kind == AggregateChange::Kind::kNone) {
        continue;  // updates change nothing scoring reads
      }
      if (!change.client_id.empty()) {
        touched[event.tenant_id()].insert(change.client_id);
      }
      if (change.kind == AggregateChange::Kind::kMerged) {
        // The duplicate's earlier events of this read land on it first, then move with it (a
        // merged duplicate has no later events: client-profile refuses records for it).
        apply_changes(event.tenant_id());
        aggregates_.MergeClients(transaction, event.tenant_id(), change.survivor_id,
                                 change.client_id, now);
        touched[event.tenant_id()].insert(change.survivor_id);
        continue;
      }
      changes[event.tenant_id()].push_back(std::move(change));
    }
    while (!changes.empty()) {
      apply_changes(changes.begin()->first);
    }
    for (const auto& [tenant_id, clients] : touched) {
      rescorer_.RescoreMany(transaction, calculator_.LoadContext(transaction, tenant_id, now, true),
                            tenant_id, std::vector<std::string>(clients.begin(), clients.end()),
                            now);
    }
  });
  for (const auto& [tenant_id, clients] : touched) {
    cache_.Invalidate(tenant_id, std::vector<std::string>(clients.begin(), clients.end()));
  }
  return applied;
}

}  // namespace clienttier::scoring
