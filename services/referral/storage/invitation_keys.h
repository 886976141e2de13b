#pragma once

#include <string>

#include "common/db/transaction.h"
#include "common/time/utc_time.h"

namespace clienttier::referral {

// The idempotency keys of RecordInvitations (kept in processed_events, purged with the event
// ids). A single-key cousin of common's ProcessedEventLog: it keeps today's one-row
// INSERT IGNORE, which the batch insert of ProcessedEventLog is not.
class InvitationKeys {
 public:
  virtual ~InvitationKeys() = default;
  // Records the key; false when it was recorded before (the report is a retry).
  virtual bool Record(Transaction& transaction, const std::string& key,
                      const std::string& tenant_id, UnixMicros now) = 0;
};

}  // namespace clienttier::referral
