#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "services/campaign/domain/member_mapping.h"
#include "services/campaign/domain/segment_member.h"

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

// One member as stored now, replacing (or adding) the snapshot's entry for its client.
struct MemberChange {
  std::string client_id;
  SegmentMember member;
  ConsentBits consents;
  bool erased = false;
};

// `base` (nullptr: empty) with `changes` applied, as of `revision`. A client changed twice
// in `changes` keeps one of them; callers pass each client once.
MemberSnapshot WithChanges(const MemberSnapshot* base, std::vector<MemberChange> changes,
                           int64_t revision);

}  // namespace clienttier::campaign
