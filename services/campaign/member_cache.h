#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/db/mysql_pool.h"
#include "services/campaign/member_snapshot.h"

namespace clienttier::campaign {

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
