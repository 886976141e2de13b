#pragma once

#include "services/campaign/storage/campaign_repository.h"

namespace clienttier::campaign {

// CampaignRepository on MySQL (ConnectionOf the transaction).
class MySqlCampaignRepository final : public CampaignRepository {
 public:
  // Throws AlreadyExists for a taken campaign_id.
  void Insert(Transaction& transaction, const std::string& tenant_id, const v1::Campaign& campaign,
              UnixMicros now) override;
  std::optional<v1::Campaign> Find(Transaction& transaction, const std::string& tenant_id,
                                   const std::string& campaign_id, bool for_update) override;
  std::vector<v1::Campaign> List(Transaction& transaction, const std::string& tenant_id,
                                 const std::string& after_id, v1::CampaignState state,
                                 int limit) override;
  // Campaigns on the segment that are not completed or cancelled.
  int64_t CountOpenForSegment(Transaction& transaction, const std::string& tenant_id,
                              const std::string& segment_id) override;
  // State, and for a launch the rule launched and the launch time; version + 1.
  void SaveState(Transaction& transaction, const std::string& tenant_id,
                 const v1::Campaign& campaign, UnixMicros now) override;
  // Adds a launch's or a trigger entry's counts to the campaign's totals.
  void AddAudienceTotals(Transaction& transaction, const std::string& tenant_id,
                         const std::string& campaign_id, const v1::AudienceSummary& added) override;

  // Who the campaign placed already.
  std::unordered_set<std::string> PlacedClients(Transaction& transaction,
                                                const std::string& tenant_id,
                                                const std::string& campaign_id) override;
  std::map<std::string, AudienceEntry> FindPlacements(
      Transaction& transaction, const std::string& tenant_id, const std::string& campaign_id,
      const std::vector<std::string>& client_ids) override;
  // Places clients (ignoring ones already placed) and records a contact for each treatment
  // member on `channel` at `now`.
  void Place(Transaction& transaction, const std::string& tenant_id, const std::string& campaign_id,
             int channel, const std::vector<Placement>& placements, UnixMicros now) override;

  // Contact times since `since`, by client: the whole tenant's (a launch), or one client's.
  std::unordered_map<std::string, std::vector<UnixMicros>> ContactsSince(
      Transaction& transaction, const std::string& tenant_id, UnixMicros since) override;
  std::vector<UnixMicros> ClientContactsSince(Transaction& transaction,
                                              const std::string& tenant_id,
                                              const std::string& client_id,
                                              UnixMicros since) override;
  std::optional<UnixMicros> LastContact(Transaction& transaction, const std::string& tenant_id,
                                        const std::string& client_id) override;
};

}  // namespace clienttier::campaign
