#include "services/campaign/member_cache.h"

#include <algorithm>

#include "services/campaign/storage/member_store.h"

namespace clienttier::campaign {

namespace {

struct Changed {
  std::string client_id;
  SegmentMember member;
  ConsentBits consents;
  bool erased = false;
};

Changed ToChanged(StoredMember&& stored) {
  Changed changed;
  changed.client_id = stored.client_id;
  changed.erased = stored.erased;
  changed.member = ToSegmentMember(stored.client_id, stored.score ? &*stored.score : nullptr,
                                   stored.profile ? &*stored.profile : nullptr);
  if (stored.profile) {
    changed.consents = ToConsentBits(*stored.profile);
  }
  return changed;
}

// A new snapshot: `base` with `changes` (sorted by client_id) replacing or adding members.
std::shared_ptr<MemberSnapshot> Merge(const MemberSnapshot* base, std::vector<Changed>& changes,
                                      int64_t revision) {
  auto merged = std::make_shared<MemberSnapshot>();
  merged->revision = revision;
  const size_t base_size = base != nullptr ? base->members.size() : 0;
  merged->members.reserve(base_size + changes.size());
  merged->consents.reserve(base_size + changes.size());
  merged->erased.reserve(base_size + changes.size());
  size_t b = 0;
  size_t c = 0;
  auto take_base = [&] {
    merged->members.push_back(base->members[b]);
    merged->consents.push_back(base->consents[b]);
    merged->erased.push_back(base->erased[b]);
    ++b;
  };
  auto take_change = [&] {
    merged->members.push_back(std::move(changes[c].member));
    merged->consents.push_back(changes[c].consents);
    merged->erased.push_back(changes[c].erased ? 1 : 0);
    ++c;
  };
  while (b < base_size || c < changes.size()) {
    if (c == changes.size()) {
      take_base();
    } else if (b == base_size) {
      take_change();
    } else {
      const int order = base->members[b].client_id.compare(changes[c].client_id);
      if (order < 0) {
        take_base();
      } else {
        if (order == 0) {
          ++b;  // replaced
        }
        take_change();
      }
    }
  }
  return merged;
}

}  // namespace

size_t MemberSnapshot::UpperBound(const std::string& client_id) const {
  if (client_id.empty()) {
    return 0;
  }
  return static_cast<size_t>(
      std::upper_bound(members.begin(), members.end(), client_id,
                       [](const std::string& id, const SegmentMember& member) {
                         return id < member.client_id;
                       }) -
      members.begin());
}

size_t MemberSnapshot::Find(const std::string& client_id) const {
  auto found = std::lower_bound(members.begin(), members.end(), client_id,
                                [](const SegmentMember& member, const std::string& id) {
                                  return member.client_id < id;
                                });
  if (found == members.end() || found->client_id != client_id) {
    return members.size();
  }
  return static_cast<size_t>(found - members.begin());
}

MemberCache::TenantEntry& MemberCache::Entry(const std::string& tenant_id) {
  std::lock_guard<std::mutex> lock(entries_mutex_);
  auto& entry = entries_[tenant_id];
  if (!entry) {
    entry = std::make_unique<TenantEntry>();
  }
  return *entry;
}

std::shared_ptr<const MemberSnapshot> MemberCache::Get(const std::string& tenant_id) {
  TenantEntry& entry = Entry(tenant_id);
  std::lock_guard<std::mutex> refresh(entry.refresh);
  std::shared_ptr<const MemberSnapshot> current = entry.snapshot;
  const int64_t known = current ? current->revision : -1;

  int64_t revision = 0;
  std::vector<Changed> changes;
  // One transaction, so the revision and the rows are read from the same snapshot.
  pool_.InTransaction([&](sql::Connection& connection) {
    changes.clear();
    revision = MemberStore::CurrentRevision(connection, tenant_id);
    if (current && revision == known) {
      return;
    }
    MemberStore::ForEachChangedSince(connection, tenant_id, current ? known : -1,
                                     [&](StoredMember&& stored) {
                                       changes.push_back(ToChanged(std::move(stored)));
                                     });
  });
  if (current && revision == known) {
    return current;
  }
  std::sort(changes.begin(), changes.end(), [](const Changed& a, const Changed& b) {
    return a.client_id < b.client_id;
  });
  std::shared_ptr<const MemberSnapshot> next = Merge(current.get(), changes, revision);
  entry.snapshot = next;
  return next;
}

}  // namespace clienttier::campaign
