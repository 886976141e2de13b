#include "services/campaign/app/member_sync.h"

#include <chrono>
#include <map>
#include <utility>

#include "common/errors/domain_error.h"
#include "common/observability/logger.h"
#include "services/campaign/domain/member_events.h"
#include "services/campaign/domain/member_mapping.h"

namespace clienttier::campaign {

namespace pv1 = ::clienttier::profile::v1;
namespace sv1 = ::clienttier::scoring::v1;

v1::SyncMembersResponse MemberSync::Sync(const std::string& tenant_id) {
  if (upstream_ == nullptr) {
    throw FailedPrecondition("SyncMembers needs --scoring-address and --profile-address");
  }
  v1::SyncMembersResponse response;
  const auto started = std::chrono::steady_clock::now();
  const auto seconds_since = [](std::chrono::steady_clock::time_point from) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - from).count();
  };
  response.set_scores(upstream_->StreamScores(tenant_id, [&](std::vector<sv1::Score>& scores) {
    transactions_.InTransaction([&](Transaction& transaction) {
      const int64_t revision = members_.NextRevision(transaction, tenant_id);
      members_.SaveScores(transaction, tenant_id, scores, revision, clock_.Now());
    });
  }));
  const double scores_seconds = seconds_since(started);
  const auto clients_started = std::chrono::steady_clock::now();
  response.set_clients(upstream_->ExportClients(tenant_id, [&](std::vector<pv1::Client>& clients) {
    std::vector<pv1::Client> kept;
    std::vector<std::string> erased;
    for (const pv1::Client& client : clients) {
      if (client.erased()) {
        erased.push_back(client.client_id());
      } else {
        kept.push_back(WithoutContactDetails(client));
      }
    }
    transactions_.InTransaction([&](Transaction& transaction) {
      const UnixMicros now = clock_.Now();
      const int64_t revision = members_.NextRevision(transaction, tenant_id);
      members_.SaveProfiles(transaction, tenant_id, kept, revision, now);
      for (const std::string& client_id : erased) {
        members_.MarkErased(transaction, tenant_id, client_id, revision, now);
      }
    });
  }));
  const double clients_seconds = seconds_since(clients_started);
  const auto snapshot_started = std::chrono::steady_clock::now();
  response.set_members(static_cast<int64_t>(snapshots_.Get(tenant_id)->members.size()));
  // Which half of a slow sync to look at: the scores (scoring's stream and the upserts) or the
  // profiles (client-profile's export and the upserts), or the members snapshot reloaded.
  LogInfo("member sync phases", {{"tenant", tenant_id},
                                 {"scores", response.scores()},
                                 {"clients", response.clients()},
                                 {"scores_s", scores_seconds},
                                 {"clients_s", clients_seconds},
                                 {"snapshot_s", seconds_since(snapshot_started)}});
  return response;
}

int MemberSync::ApplyProfileEvents(const std::vector<pv1::ProfileEvent>& events) {
  // Only profiles, erasures and merges change what campaign keeps; the others are not recorded.
  std::vector<const pv1::ProfileEvent*> relevant;
  std::vector<ProfileEventChange> changes;
  for (const pv1::ProfileEvent& event : events) {
    ProfileEventChange change = ProfileEventChangeOf(event);
    if (change.kind != ProfileEventChange::Kind::kNone) {
      relevant.push_back(&event);
      changes.push_back(std::move(change));
    }
  }
  if (relevant.empty()) {
    return 0;
  }
  int applied = 0;
  const UnixMicros now = clock_.Now();
  transactions_.InTransaction([&](Transaction& transaction) {
    applied = 0;
    std::vector<std::pair<std::string, std::string>> ids;
    for (const pv1::ProfileEvent* event : relevant) {
      ids.emplace_back(event->event_id(), event->tenant_id());
    }
    const std::vector<bool> fresh = processed_.MarkProcessed(transaction, ids, now);
    // Per tenant: profiles, erasures, and merges (duplicate, survivor) in stream order.
    struct TenantChanges {
      std::vector<pv1::Client> profiles;
      std::vector<std::string> erased;
      std::vector<std::pair<std::string, std::string>> merged;
    };
    std::map<std::string, TenantChanges> by_tenant;
    for (size_t i = 0; i < relevant.size(); ++i) {
      if (!fresh[i]) {
        continue;
      }
      ++applied;
      TenantChanges& tenant = by_tenant[relevant[i]->tenant_id()];
      if (changes[i].kind == ProfileEventChange::Kind::kErasure) {
        tenant.erased.push_back(changes[i].client_id);
      } else if (changes[i].kind == ProfileEventChange::Kind::kMerge) {
        tenant.merged.emplace_back(changes[i].client_id, changes[i].survivor_id);
      } else {
        tenant.profiles.push_back(changes[i].profile);
      }
    }
    for (const auto& [tenant_id, tenant_changes] : by_tenant) {
      const int64_t revision = members_.NextRevision(transaction, tenant_id);
      // Profiles first: an erasure is final, and the tombstone keeps later copies out.
      members_.SaveProfiles(transaction, tenant_id, tenant_changes.profiles, revision, now);
      for (const std::string& client_id : tenant_changes.erased) {
        members_.MarkErased(transaction, tenant_id, client_id, revision, now);
      }
      // A merged duplicate has no later events (client-profile refuses them), so moving its
      // memberships after this read's profiles and erasures is its place in stream order.
      for (const auto& [duplicate_id, survivor_id] : tenant_changes.merged) {
        members_.MergeInto(transaction, tenant_id, duplicate_id, survivor_id, revision, now);
      }
    }
  });
  return applied;
}

bool MemberSync::ApplyProfileEvent(const pv1::ProfileEvent& event) {
  return ApplyProfileEvents({event}) == 1;
}

int MemberSync::ApplyScoringEvents(const std::vector<sv1::ScoringEvent>& events) {
  int applied = 0;
  const UnixMicros now = clock_.Now();
  transactions_.InTransaction([&](Transaction& transaction) {
    applied = 0;
    std::vector<std::pair<std::string, std::string>> ids;
    for (const sv1::ScoringEvent& event : events) {
      ids.emplace_back(event.event_id(), event.tenant_id());
    }
    const std::vector<bool> fresh = processed_.MarkProcessed(transaction, ids, now);
    std::map<std::string, std::vector<ScoringEventChange>> by_tenant;
    for (size_t i = 0; i < events.size(); ++i) {
      if (fresh[i]) {
        ScoringEventChange change = ScoringEventChangeOf(events[i]);
        if (change.score != nullptr) {
          by_tenant[events[i].tenant_id()].push_back(change);
        }
      }
      applied += fresh[i] ? 1 : 0;
    }
    for (const auto& [tenant_id, changes] : by_tenant) {
      std::vector<sv1::Score> scores;
      for (const ScoringEventChange& change : changes) {
        scores.push_back(*change.score);
      }
      const int64_t revision = members_.NextRevision(transaction, tenant_id);
      members_.SaveScores(transaction, tenant_id, scores, revision, now);
      triggers_.Enter(transaction, tenant_id, changes, now);
    }
  });
  return applied;
}

bool MemberSync::ApplyScoringEvent(const sv1::ScoringEvent& event) {
  return ApplyScoringEvents({event}) == 1;
}

}  // namespace clienttier::campaign
