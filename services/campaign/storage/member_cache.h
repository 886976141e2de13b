#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/db/transaction.h"
#include "services/campaign/storage/member_repository.h"
#include "services/campaign/storage/member_snapshots.h"

namespace clienttier::campaign {

// The tenants' member snapshots, kept in process so a segment over a million members is
// evaluated from memory: the cached read of the MemberRepository. Each Get() asks the
// repository for the tenant's revision (one primary-key read with MySQL)
// and, when it moved, merges only the rows written since into a new snapshot; so every replica
// sees every write as soon as it is committed, whichever replica or consumer made it.
class MemberCache final : public MemberSnapshots {
 public:
  MemberCache(TransactionRunner& transactions, MemberRepository& members)
      : transactions_(transactions), members_(members) {}

  std::shared_ptr<const MemberSnapshot> Get(const std::string& tenant_id) override;

 private:
  struct TenantEntry {
    // Guards `snapshot`; held through a refresh, so one runs per tenant at a time. Callers
    // keep using the snapshot they got while a newer one is built.
    std::mutex refresh;
    std::shared_ptr<const MemberSnapshot> snapshot;
  };

  TenantEntry& Entry(const std::string& tenant_id);

  TransactionRunner& transactions_;
  MemberRepository& members_;
  std::mutex entries_mutex_;
  std::map<std::string, std::unique_ptr<TenantEntry>> entries_;
};

}  // namespace clienttier::campaign
