#include "services/campaign/storage/member_cache.h"

namespace clienttier::campaign {

namespace {

MemberChange ToChange(StoredMember&& stored) {
  MemberChange changed;
  changed.client_id = stored.client_id;
  changed.erased = stored.erased;
  changed.member = ToSegmentMember(stored.client_id, stored.score ? &*stored.score : nullptr,
                                   stored.profile ? &*stored.profile : nullptr);
  if (stored.profile) {
    changed.consents = ToConsentBits(*stored.profile);
  }
  return changed;
}

}  // namespace

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
  std::vector<MemberChange> changes;
  // One transaction, so the revision and the rows are read from the same snapshot.
  transactions_.InTransaction([&](Transaction& transaction) {
    changes.clear();
    revision = members_.CurrentRevision(transaction, tenant_id);
    if (current && revision == known) {
      return;
    }
    members_.ForEachChangedSince(
        transaction, tenant_id, current ? known : -1,
        [&](StoredMember&& stored) { changes.push_back(ToChange(std::move(stored))); });
  });
  if (current && revision == known) {
    return current;
  }
  std::shared_ptr<const MemberSnapshot> next =
      std::make_shared<MemberSnapshot>(WithChanges(current.get(), std::move(changes), revision));
  entry.snapshot = next;
  return next;
}

}  // namespace clienttier::campaign
