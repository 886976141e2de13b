#pragma once

#include "common/events/profile_event_consumer.h"
#include "services/referral/referral_engine.h"

namespace clienttier::referral {

// referral's ct:events:profile consumer (group "referral"): a referee's first qualifying purchase converts its referral; every paid occasion marks its client as paying.
struct EventConsumerOptions : ProfileEventConsumerOptions {
  EventConsumerOptions() {
    group = "referral";
    metric_prefix = "ct_referral_events";
    batch = 500;  // set-based: bigger reads, fewer commits
  }
};

using EventConsumer = ProfileEventConsumer<ReferralEngine>;

}  // namespace clienttier::referral
