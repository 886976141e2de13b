#pragma once

#include "common/events/profile_event_consumer.h"
#include "services/scoring/scoring_engine.h"

namespace clienttier::scoring {

// scoring's ct:events:profile consumer (group "scoring"): a whole read in one transaction, each touched client rescored once.
struct EventConsumerOptions : ProfileEventConsumerOptions {
  EventConsumerOptions() {
    group = "scoring";
    metric_prefix = "ct_scoring_events";
    batch = 100;
  }
};

using EventConsumer = ProfileEventConsumer<ScoringEngine>;

}  // namespace clienttier::scoring
