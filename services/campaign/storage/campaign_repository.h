#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "clienttier/campaign/v1/campaign_service.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/campaign/domain/audience_planner.h"

namespace clienttier::campaign {

// campaigns, their audiences and the contact log (every campaign's contacts, which the
// frequency caps count).
class CampaignRepository {
 public:
  virtual ~CampaignRepository() = default;

  // Throws AlreadyExists for a taken campaign_id.
  virtual void Insert(Transaction& transaction, const std::string& tenant_id,
                      const v1::Campaign& campaign, UnixMicros now) = 0;
  virtual std::optional<v1::Campaign> Find(Transaction& transaction, const std::string& tenant_id,
                                           const std::string& campaign_id, bool for_update) = 0;
  virtual std::vector<v1::Campaign> List(Transaction& transaction, const std::string& tenant_id,
                                         const std::string& after_id, v1::CampaignState state,
                                         int limit) = 0;
  // Campaigns on the segment that are not completed or cancelled.
  virtual int64_t CountOpenForSegment(Transaction& transaction, const std::string& tenant_id,
                                      const std::string& segment_id) = 0;
  // State, and for a launch the rule launched and the launch time; version + 1.
  virtual void SaveState(Transaction& transaction, const std::string& tenant_id,
                         const v1::Campaign& campaign, UnixMicros now) = 0;
  // Adds a launch's or a trigger entry's counts to the campaign's totals.
  virtual void AddAudienceTotals(Transaction& transaction, const std::string& tenant_id,
                                 const std::string& campaign_id,
                                 const v1::AudienceSummary& added) = 0;

  // Who the campaign placed already.
  virtual std::unordered_set<std::string> PlacedClients(Transaction& transaction,
                                                        const std::string& tenant_id,
                                                        const std::string& campaign_id) = 0;
  // A client's place in a campaign's audience: its group and when it entered (the launch's
  // contact time, or a trigger's entry).
  struct AudienceEntry {
    v1::AudienceGroup group = v1::AUDIENCE_GROUP_UNSPECIFIED;
    UnixMicros placed_at = 0;
  };
  // The placements of `client_ids` in the campaign's audience, by client id (a client not
  // placed is absent).
  virtual std::map<std::string, AudienceEntry> FindPlacements(
      Transaction& transaction, const std::string& tenant_id, const std::string& campaign_id,
      const std::vector<std::string>& client_ids) = 0;
  // Places clients (ignoring ones already placed) and records a contact for each treatment
  // member on `channel` at `now`.
  virtual void Place(Transaction& transaction, const std::string& tenant_id,
                     const std::string& campaign_id, int channel,
                     const std::vector<Placement>& placements, UnixMicros now) = 0;

  // Contact times since `since`, by client: the whole tenant's (a launch), or one client's.
  virtual std::unordered_map<std::string, std::vector<UnixMicros>> ContactsSince(
      Transaction& transaction, const std::string& tenant_id, UnixMicros since) = 0;
  virtual std::vector<UnixMicros> ClientContactsSince(Transaction& transaction,
                                                      const std::string& tenant_id,
                                                      const std::string& client_id,
                                                      UnixMicros since) = 0;
  virtual std::optional<UnixMicros> LastContact(Transaction& transaction,
                                                const std::string& tenant_id,
                                                const std::string& client_id) = 0;
};

}  // namespace clienttier::campaign
