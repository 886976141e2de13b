#pragma once

#include <vector>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "common/db/mysql_pool.h"
#include "common/events/profile_event_consumer.h"
#include "common/time/utc_time.h"
#include "services/campaign/app/member_sync.h"

namespace clienttier::campaign {

// campaign's ct:events:profile consumer (group "campaign"): profiles, consents and erasures.
struct ProfileConsumerOptions : ProfileEventConsumerOptions {
  ProfileConsumerOptions() {
    group = "campaign";
    metric_prefix = "ct_campaign_profile_events";
  }
};

// What common's ProfileEventConsumer calls: the events go to MemberSync (one transaction per
// read, domain/member_events says what each means); the pool and clock are only for its
// hourly purge of old processed-event ids, which common/ runs on a MySqlPool.
class ProfileEventHandler {
 public:
  ProfileEventHandler(MemberSync& members, MySqlPool& pool, const Clock& clock)
      : members_(members), pool_(pool), clock_(clock) {}

  MySqlPool& pool() { return pool_; }
  const Clock& clock() const { return clock_; }
  int ApplyProfileEvents(const std::vector<profile::v1::ProfileEvent>& events) {
    return members_.ApplyProfileEvents(events);
  }
  bool ApplyProfileEvent(const profile::v1::ProfileEvent& event) {
    return members_.ApplyProfileEvent(event);
  }

 private:
  MemberSync& members_;
  MySqlPool& pool_;
  const Clock& clock_;
};

using CampaignProfileConsumer = ProfileEventConsumer<ProfileEventHandler>;

}  // namespace clienttier::campaign
