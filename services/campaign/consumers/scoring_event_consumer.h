#pragma once

#include <memory>

#include "clienttier/scoring/v1/scoring_events.pb.h"
#include "common/events/event_consumer.h"
#include "common/server/service_app.h"
#include "services/campaign/app/member_sync.h"

namespace clienttier::campaign {

// campaign's ct:events:scoring consumer (group "campaign"): each read in one transaction
// through MemberSync (scores, then the welcome and retention triggers; what an event means is
// domain/member_events.h), one event at a time after a failed read. Its processed ids share
// the processed_events table the profile consumer purges.
inline ConsumerOptions ScoringConsumerDefaults() {
  ConsumerOptions options;
  options.group = "campaign";
  options.metric_prefix = "ct_campaign_scoring_events";
  options.batch = 200;
  return options;
}

using ScoringEventConsumer = EventConsumer<scoring::v1::ScoringEvent>;

inline std::unique_ptr<ScoringEventConsumer> MakeScoringEventConsumer(
    ServiceApp& base, MemberSync& members, const ConsumerOptions& options) {
  return MakeEventConsumer(base.redis(), base.metrics(), kScoringEventStream, options, members,
                           &MemberSync::ApplyScoringEvents, &MemberSync::ApplyScoringEvent);
}

}  // namespace clienttier::campaign
