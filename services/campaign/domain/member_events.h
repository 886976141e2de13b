#pragma once

#include <string>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "clienttier/scoring/v1/scoring_events.pb.h"

namespace clienttier::campaign {

// What one ct:events:scoring event means for campaign. Pure: the use case that applies it
// (app/member_sync.h) saves the score and enters the triggers (app/triggers.h).
struct ScoringEventChange {
  // The member's new score: tier_changed and churn_warning carry one. nullptr: the event
  // changes nothing campaign keeps (it still counts as processed). Points into the event.
  const scoring::v1::Score* score = nullptr;
  // Moved into T1 from another tier: the tenant's welcome campaign.
  bool enters_welcome = false;
  // A churn warning: the tenant's retention campaign.
  bool enters_retention = false;
};
ScoringEventChange ScoringEventChangeOf(const scoring::v1::ScoringEvent& event);

// What one ct:events:profile event means for campaign's copy of the client.
struct ProfileEventChange {
  enum class Kind {
    kNone,     // transactions and interactions reach campaign through scoring's scores
    kProfile,  // created or updated: `profile`, without contact details
    kErasure,  // erased: `client_id` leaves every segment, its data is dropped
    kMerge,    // `client_id` merged into `survivor_id`: its memberships move, then kErasure
  };
  Kind kind = Kind::kNone;
  profile::v1::Client profile;
  std::string client_id;
  std::string survivor_id;  // kMerge only (the survivor's new profile comes as kProfile)
};
ProfileEventChange ProfileEventChangeOf(const profile::v1::ProfileEvent& event);

}  // namespace clienttier::campaign
