#pragma once

#include "common/events/profile_event_consumer.h"
#include "services/scoring/scoring_engine.h"

namespace clienttier::scoring {

// scoring's ct:events:profile consumer (group "scoring"): a whole read in one transaction, each touched client rescored once.
struct EventConsumerOptions : ProfileEventConsumerOptions {
  EventConsumerOptions() {
    group = "scoring";
    metric_prefix = "ct_scoring_events";
    // Bigger reads amortise the per-tenant context load and each client's rescore over more
    // events (a read is still one transaction).
    batch = 500;
  }
};

using EventConsumer = ProfileEventConsumer<ScoringEngine>;

}  // namespace clienttier::scoring
