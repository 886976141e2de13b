#include "services/campaign/domain/member_snapshot.h"

#include <algorithm>

namespace clienttier::campaign {

size_t MemberSnapshot::UpperBound(const std::string& client_id) const {
  if (client_id.empty()) {
    return 0;
  }
  return static_cast<size_t>(
      std::upper_bound(members.begin(), members.end(), client_id,
                       [](const std::string& id, const SegmentMember& member) {
                         return id < member.client_id;
                       }) -
      members.begin());
}

size_t MemberSnapshot::Find(const std::string& client_id) const {
  auto found = std::lower_bound(
      members.begin(), members.end(), client_id,
      [](const SegmentMember& member, const std::string& id) { return member.client_id < id; });
  if (found == members.end() || found->client_id != client_id) {
    return members.size();
  }
  return static_cast<size_t>(found - members.begin());
}

MemberSnapshot WithChanges(const MemberSnapshot* base, std::vector<MemberChange> changes,
                           int64_t revision) {
  std::sort(changes.begin(), changes.end(),
            [](const MemberChange& a, const MemberChange& b) { return a.client_id < b.client_id; });
  MemberSnapshot merged;
  merged.revision = revision;
  const size_t base_size = base != nullptr ? base->members.size() : 0;
  merged.members.reserve(base_size + changes.size());
  merged.consents.reserve(base_size + changes.size());
  merged.erased.reserve(base_size + changes.size());
  size_t b = 0;
  size_t c = 0;
  auto take_base = [&] {
    merged.members.push_back(base->members[b]);
    merged.consents.push_back(base->consents[b]);
    merged.erased.push_back(base->erased[b]);
    ++b;
  };
  auto take_change = [&] {
    merged.members.push_back(std::move(changes[c].member));
    merged.consents.push_back(changes[c].consents);
    merged.erased.push_back(changes[c].erased ? 1 : 0);
    ++c;
  };
  while (b < base_size || c < changes.size()) {
    if (c == changes.size()) {
      take_base();
    } else if (b == base_size) {
      take_change();
    } else {
      const int order = base->members[b].client_id.compare(changes[c].client_id);
      if (order < 0) {
        take_base();
      } else {
        if (order == 0) {
          ++b;  // replaced
        }
        take_change();
      }
    }
  }
  return merged;
}

}  // namespace clienttier::campaign
