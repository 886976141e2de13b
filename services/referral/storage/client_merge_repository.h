#pragma once

#include <string>

#include "common/db/transaction.h"
#include "common/time/utc_time.h"

namespace clienttier::referral {

// What one merge changed in referral (for tests and the log).
struct MergeReport {
  bool referee_referral_dropped = false;  // the person was referred twice: one row went
  bool self_referral_dropped = false;     // DropsAfterMerge
  bool duplicate_code_revoked = false;    // both had an active code: the survivor keeps its own
};

// A client-profile merge (issue 18 part 5) across referral's tables, in the caller's
// transaction: the duplicate's codes, referrals (as referrer, and as referee by
// RefereeReferralToKeep), rewards and counts move to the survivor; a self-referral the merge
// made is dropped (DropsAfterMerge); the survivor's counts are recounted from the referrals.
// Once per event id: the caller dedupes in the same transaction.
class ClientMergeRepository {
 public:
  virtual ~ClientMergeRepository() = default;

  virtual MergeReport MergeClients(Transaction& transaction, const std::string& tenant_id,
                                   const std::string& survivor_id, const std::string& duplicate_id,
                                   UnixMicros now) = 0;
};

}  // namespace clienttier::referral
