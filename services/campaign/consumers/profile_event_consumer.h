#pragma once

#include <memory>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "common/events/event_consumer.h"
#include "common/server/service_app.h"
#include "services/campaign/app/member_sync.h"

namespace clienttier::campaign {

// campaign's ct:events:profile consumer (group "campaign"): profiles, consents and erasures
// update the member copy. What an event means is domain/member_events.h; MemberSync applies
// it, one transaction per read. This consumer also purges old processed-event ids, which the
// scoring consumer shares.
inline ConsumerOptions ProfileConsumerDefaults() {
  ConsumerOptions options;
  options.group = "campaign";
  options.metric_prefix = "ct_campaign_profile_events";
  // Most events (transactions, logins) are read, counted and acknowledged without a write: under
  // a backlog, reads of 1,000 spend a tenth of the stream round trips of the default 100.
  options.batch = 1000;
  return options;
}

using ProfileEventConsumer = EventConsumer<profile::v1::ProfileEvent>;

inline std::unique_ptr<ProfileEventConsumer> MakeProfileEventConsumer(
    ServiceApp& base, MemberSync& members, const ConsumerOptions& options) {
  return MakeEventConsumer(base.redis(), base.metrics(), kProfileEventStream, options, members,
                           &MemberSync::ApplyProfileEvents, &MemberSync::ApplyProfileEvent,
                           HourlyProcessedEventsPurge(base.pool(), base.clock()));
}

}  // namespace clienttier::campaign
