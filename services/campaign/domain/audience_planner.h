#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "clienttier/campaign/v1/campaign_service.pb.h"
#include "services/campaign/domain/audience_rules.h"
#include "services/campaign/domain/campaign_state.h"
#include "services/campaign/domain/frequency_cap.h"
#include "services/campaign/domain/member_snapshot.h"

namespace clienttier::campaign {

// A client a launch or trigger entry puts in the campaign, and in which group.
struct Placement {
  std::string client_id;
  v1::AudienceGroup group = v1::AUDIENCE_GROUP_UNSPECIFIED;
};

struct AudienceInput {
  std::string campaign_id;
  Channel channel = Channel::kUnspecified;
  int64_t holdout_bp = 0;
  std::vector<CapRule> caps;
  // When the contacts would be made.
  UnixMicros contact_at = 0;
};

struct AudiencePlan {
  v1::AudienceSummary summary;
  std::vector<Placement> placements;  // new treatment and holdout members, in member order
};

// Decides every candidate's group (audience_rules.h: erased, consent, holdout, cap), skipping
// clients the campaign placed before. `candidates` index into `snapshot`; `contacts` holds past
// contact times by client (at least the longest cap window's). No I/O: simulate, launch and
// trigger entries all plan through here, so a simulation is exactly what a launch would do.
AudiencePlan PlanAudience(const MemberSnapshot& snapshot, const std::vector<size_t>& candidates,
                          const AudienceInput& input,
                          const std::unordered_map<std::string, std::vector<UnixMicros>>& contacts,
                          const std::unordered_set<std::string>& placed);

// The longest window of `caps`, in micros (0 without caps): how far back contacts matter.
UnixMicros LongestCapWindow(const std::vector<CapRule>& caps);

}  // namespace clienttier::campaign
