#pragma once

#include <vector>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "common/db/mysql_pool.h"
#include "common/events/profile_event_consumer.h"
#include "common/time/utc_time.h"
#include "services/scoring/app/profile_event_applier.h"

namespace clienttier::scoring {

// scoring's ct:events:profile consumer (group "scoring"): a whole read in one transaction,
// each touched client rescored once.
struct EventConsumerOptions : ProfileEventConsumerOptions {
  EventConsumerOptions() {
    group = "scoring";
    metric_prefix = "ct_scoring_events";
    // Bigger reads amortise the per-tenant context load and each client's rescore over more
    // events (a read is still one transaction).
    batch = 500;
  }
};

// What common's ProfileEventConsumer drives: the reads go to the ProfileEventApplier use case;
// the pool and clock are only for the template's hourly purge of old processed-event ids.
class ProfileEventTarget {
 public:
  ProfileEventTarget(ProfileEventApplier& applier, MySqlPool& pool, const Clock& clock)
      : applier_(applier), pool_(pool), clock_(clock) {}

  int ApplyProfileEvents(const std::vector<::clienttier::profile::v1::ProfileEvent>& events) {
    return applier_.Apply(events);
  }
  bool ApplyProfileEvent(const ::clienttier::profile::v1::ProfileEvent& event) {
    return applier_.ApplyOne(event);
  }
  MySqlPool& pool() { return pool_; }
  const Clock& clock() const { return clock_; }

 private:
  ProfileEventApplier& applier_;
  MySqlPool& pool_;
  const Clock& clock_;
};

using EventConsumer = ProfileEventConsumer<ProfileEventTarget>;

}  // namespace clienttier::scoring
