#pragma once

#include <memory>
#include <string>

#include "services/campaign/domain/member_snapshot.h"

namespace clienttier::campaign {

// Every member of a tenant, as one immutable snapshot for a segment run. MemberCache
// (member_cache.h) keeps them in process over the MemberRepository.
class MemberSnapshots {
 public:
  virtual ~MemberSnapshots() = default;
  // The tenant's members as of the latest committed write.
  virtual std::shared_ptr<const MemberSnapshot> Get(const std::string& tenant_id) = 0;
};

}  // namespace clienttier::campaign
