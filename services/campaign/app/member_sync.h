#pragma once

#include <string>
#include <vector>

#include "clienttier/campaign/v1/campaign_service.pb.h"
#include "clienttier/profile/v1/profile_events.pb.h"
#include "clienttier/scoring/v1/scoring_events.pb.h"
#include "common/db/processed_events.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/campaign/app/triggers.h"
#include "services/campaign/clients/upstream_clients.h"
#include "services/campaign/storage/member_repository.h"
#include "services/campaign/storage/member_snapshots.h"

namespace clienttier::campaign {

// Campaign's copy of each client (members): refreshed by SyncMembers from scoring's and
// client-profile's APIs, and by ct:events:profile and ct:events:scoring (what an event means is
// domain/member_events; each read is applied in one transaction, deduplicated by event id).
class MemberSync {
 public:
  // `upstream` may be null (no --scoring-address / --profile-address): Sync is then refused.
  MemberSync(TransactionRunner& transactions, MemberRepository& members,
             ProcessedEventLog& processed, MemberSnapshots& snapshots, Triggers& triggers,
             UpstreamClients* upstream, const Clock& clock)
      : transactions_(transactions),
        members_(members),
        processed_(processed),
        snapshots_(snapshots),
        triggers_(triggers),
        upstream_(upstream),
        clock_(clock) {}

  v1::SyncMembersResponse Sync(const std::string& tenant_id);

  // ct:events:profile: profiles and erasures. Returns the events applied (not duplicates).
  int ApplyProfileEvents(const std::vector<profile::v1::ProfileEvent>& events);
  bool ApplyProfileEvent(const profile::v1::ProfileEvent& event);
  // ct:events:scoring: scores, then the welcome and retention triggers, in one transaction.
  int ApplyScoringEvents(const std::vector<scoring::v1::ScoringEvent>& events);
  bool ApplyScoringEvent(const scoring::v1::ScoringEvent& event);

 private:
  TransactionRunner& transactions_;
  MemberRepository& members_;
  ProcessedEventLog& processed_;
  MemberSnapshots& snapshots_;
  Triggers& triggers_;
  UpstreamClients* upstream_;
  const Clock& clock_;
};

}  // namespace clienttier::campaign
