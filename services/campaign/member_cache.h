#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/db/mysql_pool.h"
#include "services/campaign/domain/segment_member.h"
#include "services/campaign/member_mapping.h"

namespace clienttier::campaign {

// Every member of one tenant as of one revision, in client_id order, ready for segment
// programs. Immutable once published: readers hold a shared_ptr while they evaluate.
struct MemberSnapshot {
  int64_t revision = 0;
  std::vector<SegmentMember> members;  // sorted by client_id
  // Parallel to members.
  std::vector<ConsentBits> consents;
  std::vector<uint8_t> erased;

  // Index of the first member after `client_id` (all of them for "").
  size_t UpperBound(const std::string& client_id) const;
  // Index of the member, or members.size().
  size_t Find(const std::string& client_id) const;
};

// The tenants' member snapshots, kept in process so a segment over a million members is
// evaluated from memory. Each Get() asks MySQL for the tenant's revision (one primary-key read)
// and, when it moved, merges only the rows written since into a new snapshot; so every replica
// sees every write as soon as it is committed, whichever replica or consumer made it.
class MemberCache {
 public:
  explicit MemberCache(MySqlPool& pool) : pool_(pool) {}

  std::shared_ptr<const MemberSnapshot> Get(const std::string& tenant_id);

 private:
  struct TenantEntry {
    // Guards `snapshot`; held through a refresh, so one runs per tenant at a time. Callers
    // keep using the snapshot they got while a newer one is built.
    std::mutex refresh;
    std::shared_ptr<const MemberSnapshot> snapshot;
  };

  TenantEntry& Entry(const std::string& tenant_id);

  MySqlPool& pool_;
  std::mutex entries_mutex_;
  std::map<std::string, std::unique_ptr<TenantEntry>> entries_;
};

}  // namespace clienttier::campaign
