#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/time/utc_time.h"
#include "services/client-profile/app/client_use_cases.h"
#include "services/client-profile/storage/retention_repository.h"

namespace clienttier::profile {

// One tenant's retention policy for one run (issue 18 part 4); 0 turns a part off.
struct RetentionPolicy {
  int erase_inactive_after_days = 0;
  int drop_interactions_after_days = 0;
  int max_clients = 1000;  // clients erased per run at most
  bool dry_run = false;
};

struct RetentionReport {
  std::vector<std::string> erased_client_ids;  // or, on a dry run, those that would be
  int64_t interactions_deleted = 0;            // or that would be
  bool more = false;                           // more inactive clients than max_clients: run again
  UnixMicros clients_inactive_since = 0;       // the cutoffs used; 0 for a part turned off
  UnixMicros interactions_before = 0;
};

// The retention purge: erases the clients inactive for longer than the policy allows, each
// through ClientUseCases::Erase (the same path, event and audit line as EraseClient), and
// deletes old interactions. Running it again finds nothing more, so it is safe to retry.
class RetentionUseCases {
 public:
  RetentionUseCases(RetentionRepository& retention, ClientUseCases& clients, const Clock& clock)
      : retention_(retention), clients_(clients), clock_(clock) {}

  // `policy` is checked by the caller.
  RetentionReport Purge(const std::string& tenant_id, const RetentionPolicy& policy,
                        const std::string& key_id);

 private:
  RetentionRepository& retention_;
  ClientUseCases& clients_;
  const Clock& clock_;
};

}  // namespace clienttier::profile
