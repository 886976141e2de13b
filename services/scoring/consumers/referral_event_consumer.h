#pragma once

#include <memory>

#include "clienttier/referral/v1/referral_events.pb.h"
#include "common/events/event_consumer.h"
#include "common/server/service_app.h"
#include "services/scoring/app/referral_event_applier.h"

namespace clienttier::scoring {

// scoring's ct:events:referral consumer: a registration or conversion rescores the referrer
// (ReferralEventApplier). The same group name as the profile consumer; a group is per stream.
inline ConsumerOptions ReferralConsumerOptions(const ConsumerOptions& profile_consumer) {
  ConsumerOptions options = profile_consumer;
  options.metric_prefix = "ct_scoring_referral_events";
  // Referral events are few and each asks referral once per tenant in the read.
  options.batch = 200;
  return options;
}

using ReferralEventConsumer = EventConsumer<referral::v1::ReferralEvent>;

inline std::unique_ptr<ReferralEventConsumer> MakeReferralEventConsumer(
    ServiceApp& base, ReferralEventApplier& applier, const ConsumerOptions& options) {
  return MakeEventConsumer(base.redis(), base.metrics(), kReferralEventStream, options, applier,
                           &ReferralEventApplier::Apply, &ReferralEventApplier::ApplyOne);
}

}  // namespace clienttier::scoring
