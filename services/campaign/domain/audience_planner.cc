#include "services/campaign/domain/audience_planner.h"

#include <algorithm>

#include "services/campaign/domain/holdout.h"

namespace clienttier::campaign {

AudiencePlan PlanAudience(const MemberSnapshot& snapshot, const std::vector<size_t>& candidates,
                          const AudienceInput& input,
                          const std::unordered_map<std::string, std::vector<UnixMicros>>& contacts,
                          const std::unordered_set<std::string>& placed) {
  static const std::vector<UnixMicros> kNoContacts;
  AudiencePlan plan;
  AudienceCounts counts;
  for (const size_t index : candidates) {
    const SegmentMember& member = snapshot.members[index];
    if (placed.count(member.client_id) != 0) {
      plan.summary.set_already_placed(plan.summary.already_placed() + 1);
      continue;
    }
    AudienceCandidate candidate;
    candidate.erased = snapshot.erased[index] != 0;
    const ConsentBits consent = snapshot.consents[index];
    if (consent.Recorded(input.channel)) {
      candidate.consents[input.channel] = consent.Granted(input.channel);
    }
    candidate.in_holdout = InHoldout(input.campaign_id, member.client_id, input.holdout_bp);
    if (NeedsCapCheck(candidate, input.channel)) {
      auto found = contacts.find(member.client_id);
      candidate.cap_allows =
          CheckContact(input.caps, found == contacts.end() ? kNoContacts : found->second,
                       input.contact_at)
              .allowed;
    }
    const AudienceReason reason = DecideAudience(candidate, input.channel);
    counts.Add(reason);
    if (reason == AudienceReason::kIncluded) {
      plan.placements.push_back({member.client_id, v1::AUDIENCE_GROUP_TREATMENT});
    } else if (reason == AudienceReason::kHoldout) {
      plan.placements.push_back({member.client_id, v1::AUDIENCE_GROUP_HOLDOUT});
    }
  }
  plan.summary.set_candidates(counts.Total() + plan.summary.already_placed());
  plan.summary.set_treatment(counts.included);
  plan.summary.set_holdout(counts.holdout);
  plan.summary.set_excluded_no_consent(counts.no_consent);
  plan.summary.set_excluded_frequency_cap(counts.frequency_cap);
  plan.summary.set_excluded_erased(counts.erased);
  return plan;
}

UnixMicros LongestCapWindow(const std::vector<CapRule>& caps) {
  int64_t days = 0;
  for (const CapRule& cap : caps) {
    days = std::max(days, cap.window_days);
  }
  return days * kMicrosPerDay;
}

}  // namespace clienttier::campaign
