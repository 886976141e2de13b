#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "clienttier/profile/v1/profile_service.pb.h"
#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"

namespace clienttier::campaign {

// One row of `members`, parsed.
struct StoredMember {
  std::string client_id;
  std::optional<scoring::v1::Score> score;
  std::optional<profile::v1::Client> profile;
  bool erased = false;
  int64_t revision = 0;
};

// members and member_revisions: campaign's copy of each client. Every write takes the next
// revision of its tenant under the member_revisions row lock, inside the caller's transaction.
class MemberRepository {
 public:
  virtual ~MemberRepository() = default;

  // Locks the tenant's revision row and returns the revision this transaction writes with.
  virtual int64_t NextRevision(Transaction& transaction, const std::string& tenant_id) = 0;

  // Upserts scores (profiles untouched), skipping erased members and keeping a newer score
  // (by as_of) already stored.
  virtual void SaveScores(Transaction& transaction, const std::string& tenant_id,
                          const std::vector<scoring::v1::Score>& scores, int64_t revision,
                          UnixMicros now) = 0;
  // Upserts profiles (already stripped of contact details), skipping erased members and
  // keeping a newer profile (by version) already stored.
  virtual void SaveProfiles(Transaction& transaction, const std::string& tenant_id,
                            const std::vector<profile::v1::Client>& clients, int64_t revision,
                            UnixMicros now) = 0;
  // Drops everything campaign kept of the client and marks it erased (a tombstone, so a late
  // score or sync cannot bring the data back).
  virtual void MarkErased(Transaction& transaction, const std::string& tenant_id,
                          const std::string& client_id, int64_t revision, UnixMicros now) = 0;

  // A client-profile merge (issue 18 part 5). The one write that re-keys a client across
  // campaign's tables, kept here because it ends in MarkErased of the duplicate: its audience
  // placements move to the survivor except in campaigns that already placed the survivor (a
  // person is placed once per campaign), its contacts move (frequency caps count the person
  // once; a contact of both in one campaign stays one), its outcomes move, then the duplicate
  // is MarkErased. Once per event id: the caller dedupes in the same transaction.
  virtual void MergeInto(Transaction& transaction, const std::string& tenant_id,
                         const std::string& duplicate_id, const std::string& survivor_id,
                         int64_t revision, UnixMicros now) = 0;

  // The tenant's current revision (0 before any write).
  virtual int64_t CurrentRevision(Transaction& transaction, const std::string& tenant_id) = 0;
  // Rows changed after `after_revision`, in no particular order, one at a time.
  virtual void ForEachChangedSince(Transaction& transaction, const std::string& tenant_id,
                                   int64_t after_revision,
                                   const std::function<void(StoredMember&&)>& visit) = 0;
  virtual std::optional<StoredMember> Find(Transaction& transaction, const std::string& tenant_id,
                                           const std::string& client_id) = 0;
};

}  // namespace clienttier::campaign
