#pragma once

#include <memory>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "common/events/event_consumer.h"
#include "common/server/service_app.h"
#include "services/referral/app/conversion.h"

namespace clienttier::referral {

// referral's ct:events:profile consumer (group "referral"): a referee's first qualifying
// purchase converts its referral; every paid occasion marks its client as paying. What an
// event means is domain/profile_event_meaning.h; the Conversion use case applies it.
inline ConsumerOptions ProfileConsumerDefaults() {
  ConsumerOptions options;
  options.group = "referral";
  options.metric_prefix = "ct_referral_events";
  // Set-based: bigger reads, fewer commits. Under a backlog (a history import) a read of 2,000
  // costs a tenth of the commits, stream round trips and per-statement work of reads of 200;
  // with little traffic a read takes what is there.
  options.batch = 2000;
  return options;
}

using ProfileEventConsumer = EventConsumer<profile::v1::ProfileEvent>;

inline std::unique_ptr<ProfileEventConsumer> MakeProfileEventConsumer(
    ServiceApp& base, Conversion& conversion, const ConsumerOptions& options) {
  return MakeEventConsumer(base.redis(), base.metrics(), kProfileEventStream, options, conversion,
                           &Conversion::ApplyProfileEvents, &Conversion::ApplyProfileEvent,
                           HourlyProcessedEventsPurge(base.pool(), base.clock()));
}

}  // namespace clienttier::referral
