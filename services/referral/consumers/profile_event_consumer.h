#pragma once

#include <vector>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "common/db/mysql_pool.h"
#include "common/events/profile_event_consumer.h"
#include "common/time/utc_time.h"
#include "services/referral/app/conversion.h"

namespace clienttier::referral {

// referral's ct:events:profile consumer (group "referral"): a referee's first qualifying
// purchase converts its referral; every paid occasion marks its client as paying. What an
// event means is domain/profile_event_meaning.h; Conversion applies it.
struct EventConsumerOptions : ProfileEventConsumerOptions {
  EventConsumerOptions() {
    group = "referral";
    metric_prefix = "ct_referral_events";
    batch = 500;  // set-based: bigger reads, fewer commits
  }
};

// What common's ProfileEventConsumer template drives: the Conversion use case for the events,
// and the pool and clock for its hourly purge of processed event ids.
class ProfileEventTarget {
 public:
  ProfileEventTarget(Conversion& conversion, MySqlPool& pool, const Clock& clock)
      : conversion_(conversion), pool_(pool), clock_(clock) {}

  int ApplyProfileEvents(const std::vector<::clienttier::profile::v1::ProfileEvent>& events) {
    return conversion_.ApplyProfileEvents(events);
  }
  bool ApplyProfileEvent(const ::clienttier::profile::v1::ProfileEvent& event) {
    return conversion_.ApplyProfileEvent(event);
  }
  MySqlPool& pool() { return pool_; }
  const Clock& clock() const { return clock_; }

 private:
  Conversion& conversion_;
  MySqlPool& pool_;
  const Clock& clock_;
};

using EventConsumer = ProfileEventConsumer<ProfileEventTarget>;

}  // namespace clienttier::referral
