#pragma once

#include <memory>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "common/events/event_consumer.h"
#include "common/server/service_app.h"
#include "services/scoring/app/profile_event_applier.h"

namespace clienttier::scoring {

// scoring's ct:events:profile consumer (group "scoring"): a whole read in one transaction, each
// touched client rescored once. What an event means is domain/aggregate_change.h; the
// ProfileEventApplier use case applies it.
inline ConsumerOptions ProfileConsumerDefaults() {
  ConsumerOptions options;
  options.group = "scoring";
  options.metric_prefix = "ct_scoring_events";
  // Bigger reads amortise the per-tenant context load, each statement and each client's rescore
  // over more events (a read is still one transaction, written set-based). With a backlog of
  // 200,000 events of 20,000 clients, 5,000 applied ~9,200 events/s, 2,000 ~8,000, 500 ~7,000
  // (2 cores shared with MariaDB). A consumer that keeps up reads less anyway.
  options.batch = 5000;
  return options;
}

using ProfileEventConsumer = EventConsumer<profile::v1::ProfileEvent>;

inline std::unique_ptr<ProfileEventConsumer> MakeProfileEventConsumer(
    ServiceApp& base, ProfileEventApplier& applier, const ConsumerOptions& options) {
  return MakeEventConsumer(base.redis(), base.metrics(), kProfileEventStream, options, applier,
                           &ProfileEventApplier::Apply, &ProfileEventApplier::ApplyOne,
                           HourlyProcessedEventsPurge(base.pool(), base.clock()));
}

}  // namespace clienttier::scoring
