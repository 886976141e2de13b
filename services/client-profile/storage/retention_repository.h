#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/time/utc_time.h"

namespace clienttier::profile {

// What a retention purge reads and deletes (issue 18 part 4). Erasing the clients it finds is
// not here: they go through ClientRepository::Erase, the same path as EraseClient.
class RetentionRepository {
 public:
  virtual ~RetentionRepository() = default;

  // Ids of the tenant's clients, not erased, with no activity since `before`: their record was
  // last changed before it and no transaction or interaction of theirs occurred at or after
  // it. In id order, at most `limit`.
  virtual std::vector<std::string> InactiveClients(const std::string& tenant_id, UnixMicros before,
                                                   int limit) = 0;
  // The tenant's interactions that occurred before `before`: counted, and deleted unless
  // `dry_run`. Returns how many.
  virtual int64_t DeleteInteractionsBefore(const std::string& tenant_id, UnixMicros before,
                                           bool dry_run) = 0;
};

}  // namespace clienttier::profile
