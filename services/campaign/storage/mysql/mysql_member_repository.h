#pragma once

#include "services/campaign/storage/member_repository.h"

namespace clienttier::campaign {

// MemberRepository on MySQL (ConnectionOf the transaction).
class MySqlMemberRepository final : public MemberRepository {
 public:
  // Locks the tenant's revision row and returns the revision this transaction writes with.
  int64_t NextRevision(Transaction& transaction, const std::string& tenant_id) override;

  // Upserts scores (profiles untouched), skipping erased members and keeping a newer score
  // (by as_of) already stored.
  void SaveScores(Transaction& transaction, const std::string& tenant_id,
                  const std::vector<scoring::v1::Score>& scores, int64_t revision,
                  UnixMicros now) override;
  // Upserts profiles (already stripped of contact details), skipping erased members and
  // keeping a newer profile (by version) already stored.
  void SaveProfiles(Transaction& transaction, const std::string& tenant_id,
                    const std::vector<profile::v1::Client>& clients, int64_t revision,
                    UnixMicros now) override;
  // Drops everything campaign kept of the client and marks it erased (a tombstone, so a late
  // score or sync cannot bring the data back).
  void MarkErased(Transaction& transaction, const std::string& tenant_id,
                  const std::string& client_id, int64_t revision, UnixMicros now) override;

  // The tenant's current revision (0 before any write).
  // In mysql_member_merge.cc.
  void MergeInto(Transaction& transaction, const std::string& tenant_id,
                 const std::string& duplicate_id, const std::string& survivor_id, int64_t revision,
                 UnixMicros now) override;
  int64_t CurrentRevision(Transaction& transaction, const std::string& tenant_id) override;
  // Rows changed after `after_revision`, in no particular order, one at a time.
  void ForEachChangedSince(Transaction& transaction, const std::string& tenant_id,
                           int64_t after_revision,
                           const std::function<void(StoredMember&&)>& visit) override;
  std::optional<StoredMember> Find(Transaction& transaction, const std::string& tenant_id,
                                   const std::string& client_id) override;
};

}  // namespace clienttier::campaign
