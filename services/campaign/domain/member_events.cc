#include "services/campaign/domain/member_events.h"

#include "services/campaign/domain/member_mapping.h"

namespace clienttier::campaign {

namespace sv1 = ::clienttier::scoring::v1;
namespace pv1 = ::clienttier::profile::v1;

ScoringEventChange ScoringEventChangeOf(const sv1::ScoringEvent& event) {
  ScoringEventChange change;
  if (event.has_tier_changed()) {
    change.score = &event.tier_changed().score();
    change.enters_welcome = event.tier_changed().change().to_tier() == sv1::TIER_T1 &&
                            event.tier_changed().change().from_tier() != sv1::TIER_T1;
  } else if (event.has_churn_warning()) {
    change.score = &event.churn_warning().score();
    change.enters_retention = true;
  }
  return change;
}

ProfileEventChange ProfileEventChangeOf(const pv1::ProfileEvent& event) {
  ProfileEventChange change;
  if (event.has_client_erased()) {
    change.kind = ProfileEventChange::Kind::kErasure;
    change.client_id = event.client_erased().client_id();
  } else if (event.has_clients_merged()) {
    change.kind = ProfileEventChange::Kind::kMerge;
    change.client_id = event.clients_merged().duplicate_client_id();
    change.survivor_id = event.clients_merged().survivor_client_id();
  } else if (event.has_client_created() || event.has_client_updated()) {
    change.kind = ProfileEventChange::Kind::kProfile;
    change.profile =
        WithoutContactDetails(event.has_client_created() ? event.client_created().client()
                                                         : event.client_updated().client());
  }
  return change;
}

}  // namespace clienttier::campaign
